import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../shared/ui/base.css';
import './card.css';
import { CardApp } from './card-app.js';
import { I18nProvider } from './card-i18n.js';
import { registerServiceWorker } from './register-service-worker.js';
import { listenForInstallPrompt } from './install/install-prompt.js';

listenForInstallPrompt();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <I18nProvider>
        <CardApp />
      </I18nProvider>
    </StrictMode>,
  );
}
registerServiceWorker();
