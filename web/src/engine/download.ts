/** File downloads (domain export, lookup table export): the response body saved under the name the server suggests. */
import { unwrap } from '../api/client';

/** Awaits an openapi-fetch call made with `parseAs: 'blob'` and saves its body as a file. */
export async function saveDownload(
  call: Promise<{ data?: Blob; error?: unknown; response: Response }>,
  fallbackName: string,
): Promise<void> {
  let response: Response | undefined;
  const blob = await unwrap(
    call.then((r) => {
      response = r.response;
      return r;
    }),
  );
  saveBlob(blob, fileNameOf(response?.headers.get('content-disposition')) ?? fallbackName);
}

/** The file name of a Content-Disposition header (RFC 5987 `filename*` first). */
function fileNameOf(disposition: string | null | undefined): string | undefined {
  if (!disposition) return undefined;
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain?.[1]?.trim();
}

function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
