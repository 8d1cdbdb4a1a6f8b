/**
 * The 结构 tab of a message: asks the server to parse the body (only when the tab is opened — the read is audited
 * like the detail), shows its warnings, then the HL7 v2 segment table or the XML tree.
 */
import { Alert, Empty, Space, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { useRequest } from '../shell/useRequest';
import { getMessageStructure } from './api';
import { ErrorAlert } from './common';
import Hl7v2Table from './Hl7v2Table';
import XmlTree from './XmlTree';

export default function StructureView({ messageId }: { messageId: string }) {
  const { t } = useTranslation();
  const structure = useRequest(() => getMessageStructure(messageId), [messageId]);
  const s = structure.data;
  return (
    <Spin spinning={structure.loading}>
      <Space orientation="vertical" size={12} style={{ width: '100%', minHeight: 80 }} data-testid="message-structure">
        <ErrorAlert error={structure.error} style={{ marginBottom: 0 }} />
        {s && s.warnings.length ? (
          <Alert
            type="warning"
            showIcon
            title={t('engine.structure.warnings', { n: s.warnings.length })}
            data-testid="structure-warnings"
            description={
              <ul style={{ margin: 0, paddingInlineStart: 20, maxHeight: 160, overflow: 'auto' }}>
                {s.warnings.map((w, i) => (
                  <li key={i}>{w}</li>
                ))}
              </ul>
            }
          />
        ) : null}
        {s && (s.format === 'hl7v2' || s.format === 'xml') && s.truncated ? (
          <Alert type="info" showIcon title={t('engine.structure.truncated')} data-testid="structure-truncated" />
        ) : null}
        {s?.format === 'hl7v2' ? <Hl7v2Table structure={s} /> : null}
        {s?.format === 'xml' ? <XmlTree key={messageId} structure={s} /> : null}
        {s && (s.format === 'json' || s.format === 'text') ? (
          <Empty description={t('engine.structure.none')} data-testid="structure-none" />
        ) : null}
      </Space>
    </Spin>
  );
}
