// Chrome and Edge offer to install the card with a `beforeinstallprompt` event, fired once, early: kept
// here (in the card's first download, a few bytes) for the install hint, which loads later, to use.
export type InstallPromptEvent = Event & {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: string }>;
};

export const installPrompt: { event: InstallPromptEvent | null; listeners: Set<() => void> } = {
  event: null,
  listeners: new Set(),
};

export function listenForInstallPrompt(): void {
  window.addEventListener('beforeinstallprompt', (event) => {
    // The browser's own mini-infobar would compete with the hint: the hint offers it instead.
    event.preventDefault();
    installPrompt.event = event as InstallPromptEvent;
    for (const listener of installPrompt.listeners) listener();
  });
}
