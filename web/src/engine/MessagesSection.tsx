/** 消息检索 and its message detail pages (`/engine/messages`, `/engine/messages/:id`). */
import { Route, Routes } from 'react-router-dom';
import { NotFound } from '../shell/StatusPages';
import MessageDetailPage from './MessageDetailPage';
import MessagesPage from './MessagesPage';

export default function MessagesSection() {
  return (
    <Routes>
      <Route index element={<MessagesPage />} />
      <Route path=":id" element={<MessageDetailPage />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
