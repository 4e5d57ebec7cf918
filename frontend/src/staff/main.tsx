import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../shared/ui/base.css';
import './staff.css';
import { I18nProvider } from './staff-i18n.js';
import { StaffApp } from './staff-app.js';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <I18nProvider>
        <StaffApp />
      </I18nProvider>
    </StrictMode>,
  );
}
