import { Result } from 'antd';
import { Component, type ReactNode } from 'react';
import i18n from '../i18n';

/** Keeps a failing page (or a chunk that failed to load) from blanking the whole console. */
export default class RouteErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (this.state.error) {
      return <Result status="error" title={i18n.t('errors.unexpected')} subTitle={this.state.error.message} />;
    }
    return this.props.children;
  }
}
