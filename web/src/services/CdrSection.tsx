/** 临床数据中心 and its record pages (`/interaction/cdr`, `/interaction/cdr/records/:id`). */
import { Route, Routes } from 'react-router-dom';
import { NotFound } from '../shell/StatusPages';
import CdrBrowserPage from './CdrBrowserPage';
import CdrRecordPage from './CdrRecordPage';

export const cdrRecordPath = (id: string) => `/interaction/cdr/records/${encodeURIComponent(id)}`;

export default function CdrSection() {
  return (
    <Routes>
      <Route index element={<CdrBrowserPage />} />
      <Route path="records/:id" element={<CdrRecordPage />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
