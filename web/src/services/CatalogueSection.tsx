/**
 * 服务目录 and its service pages (`/interaction/catalogue`, `/interaction/catalogue/:action`). The console cannot use
 * /services/…: the server answers GET /services/* as the HIPMessageServer WebService, so a reload there would fail.
 */
import { Route, Routes } from 'react-router-dom';
import { NotFound } from '../shell/StatusPages';
import CataloguePage from './CataloguePage';
import ServiceDetailPage from './ServiceDetailPage';

export default function CatalogueSection() {
  return (
    <Routes>
      <Route index element={<CataloguePage />} />
      <Route path=":action" element={<ServiceDetailPage />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
