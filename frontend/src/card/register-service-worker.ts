/** Registers the card's service worker (built by vite-plugin-pwa into /card/sw.js) so the card opens offline. */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/card/sw.js', { scope: '/card/' }).catch(() => {
      // Without a worker the card still works online; nothing to tell the customer.
    });
  });
}
