/** The product mark: two lanes of a hutong crossed by two more — systems meeting. */
export default function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden="true">
      <rect width="64" height="64" rx="12" fill="#1677ff" />
      <path d="M14 20h36M14 44h36M24 14v36M40 14v36" stroke="#fff" strokeWidth="6" strokeLinecap="round" />
    </svg>
  );
}
