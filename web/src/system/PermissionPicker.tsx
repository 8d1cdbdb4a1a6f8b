import { Checkbox, Col, Empty, Row, Tooltip, Typography, theme } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Permission } from './api';

/** Permission checkboxes grouped by module, each group with an "all" box. A form control. */
export default function PermissionPicker({
  permissions,
  value = [],
  onChange,
  disabled,
}: {
  permissions: Permission[];
  value?: string[];
  onChange?: (value: string[]) => void;
  disabled?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const { token } = theme.useToken();
  const english = i18n.language === 'en';
  const modules = new Map<string, Permission[]>();
  for (const p of permissions) modules.set(p.module, [...(modules.get(p.module) ?? []), p]);
  const selected = new Set(value);

  if (!permissions.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />;

  function setGroup(codes: string[], on: boolean) {
    const next = new Set(selected);
    for (const c of codes) {
      if (on) next.add(c);
      else next.delete(c);
    }
    onChange?.(permissions.map((p) => p.code).filter((c) => next.has(c)));
  }

  return (
    <div data-testid="permission-picker" style={{ maxHeight: 360, overflow: 'auto', paddingRight: 4 }}>
      {[...modules].map(([module, items]) => {
        const codes = items.map((p) => p.code);
        const count = codes.filter((c) => selected.has(c)).length;
        return (
          <div
            key={module}
            style={{
              border: `1px solid ${token.colorBorderSecondary}`,
              borderRadius: token.borderRadius,
              padding: '8px 12px',
              marginBottom: 8,
            }}
          >
            <Checkbox
              checked={count === codes.length}
              indeterminate={count > 0 && count < codes.length}
              disabled={disabled}
              onChange={(e) => setGroup(codes, e.target.checked)}
            >
              <Typography.Text strong>{t(`roles.modules.${module}`, { defaultValue: module })}</Typography.Text>
              <Typography.Text type="secondary" style={{ marginInlineStart: 8 }}>
                {count}/{codes.length}
              </Typography.Text>
            </Checkbox>
            <Row gutter={[8, 4]} style={{ marginTop: 6, paddingInlineStart: 24 }}>
              {items.map((p) => (
                <Col xs={24} sm={12} key={p.code}>
                  <Tooltip title={p.description ?? undefined}>
                    <Checkbox
                      checked={selected.has(p.code)}
                      disabled={disabled}
                      data-testid={`perm-${p.code}`}
                      onChange={(e) => setGroup([p.code], e.target.checked)}
                    >
                      {english && p.nameEn ? p.nameEn : p.name}{' '}
                      <Typography.Text type="secondary" code style={{ fontSize: 12 }}>
                        {p.code}
                      </Typography.Text>
                    </Checkbox>
                  </Tooltip>
                </Col>
              ))}
            </Row>
          </div>
        );
      })}
    </div>
  );
}
