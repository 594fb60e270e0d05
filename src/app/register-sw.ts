/** Registers public/sw.js (production builds only): offline app shell and ORT runtime, never model weights. */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker.register(new URL('sw.js', document.baseURI), { scope: './' }).catch((error: unknown) => {
      console.warn('Offline support is unavailable: the service worker did not register.', error);
    });
  });
}
