/**
 * What the console's list-and-edit pages share: acting on a row (ask, call, report, reload), the create and refresh
 * buttons, a server-paged list, the create/edit dialog around a form, and the footer of a dialog that runs once.
 */
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Form,
  Modal,
  Popconfirm,
  Space,
  type ButtonProps,
  type FormInstance,
  type FormProps,
  type TablePaginationConfig,
} from 'antd';
import { useCallback, useState, type CSSProperties, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../api/errors';
import { applyServerErrors } from './formErrors';
import { useRequest, type RequestState } from './useRequest';

/** Runs a call, shows its success or the server's message, and reloads on success. */
export function useAct(reload?: () => void) {
  const { message } = App.useApp();
  const { t } = useTranslation();
  return useCallback(
    async (run: () => Promise<unknown>, done: string): Promise<boolean> => {
      try {
        await run();
        void message.success(done);
        reload?.();
        return true;
      } catch (err) {
        void message.error(errorMessage(err, t('errors.unexpected')));
        return false;
      }
    },
    [message, reload, t],
  );
}

export type Act = ReturnType<typeof useAct>;

/** Why a list (or anything else) could not be loaded; nothing while there is no error. */
export function LoadError({ error, style, testId }: { error: unknown; style?: CSSProperties; testId?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <Alert
      type="error"
      showIcon
      style={{ marginBottom: 16, ...style }}
      title={errorMessage(error, t('errors.loadFailed'))}
      data-testid={testId}
    />
  );
}

/** A page's primary "create …" button. */
export function CreateButton({
  onClick,
  testId,
  children,
}: {
  onClick: () => void;
  testId: string;
  children: ReactNode;
}) {
  return (
    <Button type="primary" icon={<PlusOutlined />} onClick={onClick} data-testid={testId}>
      {children}
    </Button>
  );
}

/** Reloads what the page shows. */
export function RefreshButton(props: Omit<ButtonProps, 'icon' | 'children'>) {
  const { t } = useTranslation();
  return (
    <Button icon={<ReloadOutlined />} {...props}>
      {t('common.refresh')}
    </Button>
  );
}

/** A row action (a small link button) that asks `title` first. */
export function ConfirmAction({
  title,
  onConfirm,
  danger,
  disabled,
  testId,
  children,
}: {
  title: ReactNode;
  /** A returned promise keeps the confirm's OK button busy until it settles. */
  onConfirm: () => unknown;
  danger?: boolean;
  disabled?: boolean;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <Popconfirm title={title} onConfirm={onConfirm}>
      <Button type="link" size="small" danger={danger} disabled={disabled} data-testid={testId}>
        {children}
      </Button>
    </Popconfirm>
  );
}

/** The row's delete action, asking `title` first. */
export function DeleteAction({
  title,
  onConfirm,
  testId,
}: {
  title: ReactNode;
  onConfirm: () => unknown;
  testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <ConfirmAction title={title} onConfirm={onConfirm} danger testId={testId}>
      {t('common.delete')}
    </ConfirmAction>
  );
}

export interface PagedQuery {
  /** The search box's text, trimmed; undefined when empty. */
  q: string | undefined;
  page: number;
  pageSize: number;
}

export interface PagedList<T> extends RequestState<{ items: T[]; total: number }> {
  /** Searches for `text` (an Input.Search's onSearch), from the first page. */
  search: (text: string) => void;
  /** Back to the first page, for when another filter changes. */
  firstPage: () => void;
  /** The rows, loading state and pagination (with a page-size changer and the total) of the list's Table. */
  tableProps: { loading: boolean; dataSource: T[]; pagination: TablePaginationConfig };
}

/**
 * A list the server pages: loads `load(query)` whenever `deps` (the other filters), the search, the page or the page
 * size change. A new search or page size starts again from the first page.
 */
export function usePagedList<T>(
  load: (query: PagedQuery) => Promise<{ items: T[]; total: number }>,
  deps: readonly unknown[],
): PagedList<T> {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const list = useRequest(() => load({ q: q || undefined, page, pageSize }), [...deps, q, page, pageSize]);
  return {
    ...list,
    search: (text) => {
      setQ(text.trim());
      setPage(1);
    },
    firstPage: () => setPage(1),
    tableProps: {
      loading: list.loading,
      dataSource: list.data?.items ?? [],
      pagination: {
        current: page,
        pageSize,
        total: list.data?.total ?? 0,
        showSizeChanger: true,
        showTotal: (total) => t('common.total', { total }),
        onChange: (p, s) => {
          setPage(s === pageSize ? p : 1);
          setPageSize(s);
        },
      },
    },
  };
}

/**
 * Saving a form: busy while `save` runs; what it throws lands on the fields it names (problem codes that concern
 * one field: `fieldCodes`), the rest becomes `error`.
 */
export function useFormSave<V>(
  form: FormInstance<V>,
  save: (values: V) => Promise<void>,
  fieldCodes?: Record<string, string>,
) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(values: V) {
    setBusy(true);
    setError(null);
    try {
      await save(values);
    } catch (err) {
      setError(applyServerErrors(form, err, t('errors.unexpected'), fieldCodes) ?? null);
    } finally {
      setBusy(false);
    }
  }

  return { busy, error, submit };
}

/** A form's error above the form. */
export function FormError({ error, testId }: { error: string | null; testId?: string }) {
  return error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid={testId} /> : null;
}

export interface FormModalProps<V> extends Pick<FormProps<V>, 'initialValues' | 'onValuesChange'> {
  form: FormInstance<V>;
  title: ReactNode;
  /** Saves the form's values (see useFormSave); the dialog's OK button submits the form. */
  onSave: (values: V) => Promise<void>;
  fieldCodes?: Record<string, string>;
  onClose: () => void;
  width?: number;
  /** The OK button's text; "save" unless given. */
  okText?: string;
  /** Shown above the form and its error. */
  intro?: ReactNode;
  /** Only to look at: the fields are disabled and the one button closes. */
  readOnly?: boolean;
  saveTestId?: string;
  formTestId?: string;
  errorTestId?: string;
  children: ReactNode;
}

/** A create/edit dialog: a vertical form, its error above it, and save/cancel. */
export function FormModal<V>({
  form,
  title,
  onSave,
  fieldCodes,
  onClose,
  width,
  okText,
  intro,
  readOnly,
  saveTestId,
  formTestId,
  errorTestId,
  initialValues,
  onValuesChange,
  children,
}: FormModalProps<V>) {
  const { t } = useTranslation();
  const { busy, error, submit } = useFormSave(form, onSave, fieldCodes);
  return (
    <Modal
      open
      width={width}
      title={title}
      okText={okText ?? t('common.save')}
      onOk={() => form.submit()}
      footer={readOnly ? <Button onClick={onClose}>{t('common.close')}</Button> : undefined}
      confirmLoading={busy}
      onCancel={onClose}
      destroyOnHidden
      okButtonProps={saveTestId ? ({ 'data-testid': saveTestId } as Record<string, string>) : undefined}
    >
      {intro}
      <FormError error={error} testId={errorTestId} />
      <Form<V>
        form={form}
        layout="vertical"
        disabled={readOnly}
        onFinish={submit}
        initialValues={initialValues}
        onValuesChange={onValuesChange}
        data-testid={formTestId}
      >
        {children}
      </Form>
    </Modal>
  );
}

/** The footer of a dialog that runs something once (an import, a purge): cancel and its buttons, then only close. */
export function RunFooter({ done, onClose, children }: { done: boolean; onClose: () => void; children: ReactNode }) {
  const { t } = useTranslation();
  return done ? (
    <Button type="primary" onClick={onClose}>
      {t('common.close')}
    </Button>
  ) : (
    <Space>
      <Button onClick={onClose}>{t('common.cancel')}</Button>
      {children}
    </Space>
  );
}
