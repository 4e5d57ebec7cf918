// "Add the card to your home screen": the browser's install prompt where it offers one
// (`beforeinstallprompt`), else on iPhone and iPad the steps of Safari's "Add to Home Screen". Not shown
// once the card runs installed, or after "Not now" (remembered on the phone). Its own chunk.
import { useEffect, useMemo, useState } from 'react';
import { useI18n } from '../card-i18n.js';
import { selfServiceTexts } from '../profile/self-service-messages.js';
import { installPrompt } from './install-prompt.js';

const DISMISSED_KEY = 'regulars.card.installHintDismissed';

function isInstalled(): boolean {
  return (
    window.matchMedia?.('(display-mode: standalone)').matches === true ||
    (navigator as Navigator & { standalone?: boolean }).standalone === true
  );
}

function isIos(): boolean {
  // iPadOS reports itself as a Mac; a touch screen tells them apart.
  return (
    /iPhone|iPad|iPod/.test(navigator.userAgent) ||
    (/Macintosh/.test(navigator.userAgent) && navigator.maxTouchPoints > 1)
  );
}

function wasDismissed(): boolean {
  try {
    return localStorage.getItem(DISMISSED_KEY) === '1';
  } catch {
    return false;
  }
}

export function InstallHint() {
  const { language } = useI18n();
  const s = useMemo(() => selfServiceTexts(language), [language]);
  const [hasPrompt, setHasPrompt] = useState(() => installPrompt.event !== null);
  const [isDismissed, setDismissed] = useState(wasDismissed);
  useEffect(() => {
    const listener = () => setHasPrompt(true);
    installPrompt.listeners.add(listener);
    return () => {
      installPrompt.listeners.delete(listener);
    };
  }, []);
  if (isDismissed || isInstalled() || (!hasPrompt && !isIos())) return null;
  const dismiss = () => {
    try {
      localStorage.setItem(DISMISSED_KEY, '1');
    } catch {
      // Private mode: the hint comes back next time, which is harmless.
    }
    setDismissed(true);
  };
  const install = async () => {
    const event = installPrompt.event;
    if (!event) return;
    await event.prompt();
    installPrompt.event = null;
    const choice = await event.userChoice;
    if (choice.outcome === 'accepted') setDismissed(true);
    else setHasPrompt(false);
  };
  return (
    <section className="panel install-hint" aria-labelledby="install-title" data-testid="install-hint">
      <h2 id="install-title">{s('install.title')}</h2>
      <p>{hasPrompt ? s('install.text') : s('install.ios')}</p>
      <div className="row">
        {hasPrompt ? (
          <button type="button" onClick={() => void install()}>
            {s('install.button')}
          </button>
        ) : null}
        <button type="button" className="secondary" onClick={dismiss}>
          {s('install.dismiss')}
        </button>
      </div>
    </section>
  );
}
