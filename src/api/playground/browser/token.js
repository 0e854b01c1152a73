// The API token, entered once per browser and shared by the playground and the status page (same
// origin). localStorage keeps it across tabs and restarts; "Forget token" removes it.
const KEY = 'fabric-sync.apiToken';

/** @returns {string | null} */
export const readToken = () => localStorage.getItem(KEY);

/** @param {string} token */
export const saveToken = (token) => localStorage.setItem(KEY, token.trim());

export const forgetToken = () => localStorage.removeItem(KEY);

/** @param {string} token */
export const bearer = (token) => `Bearer ${token}`;

/** The WebSocket URL of a path on this origin (ws: or wss: like the page). */
export function socketUrl(path) {
  const url = new URL(path, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

/**
 * Renders a small form into `container` and resolves with the token once saved.
 * @param {HTMLElement} container
 * @param {string} purpose what the token is for, shown to the user
 * @returns {Promise<string>}
 */
export function askForToken(container, purpose) {
  container.replaceChildren();
  const form = document.createElement('form');
  form.className = 'token-form';
  form.innerHTML = `<label for="api-token">API token <small></small></label>
    <input id="api-token" name="token" type="password" autocomplete="off" required placeholder="fst_…">
    <button type="submit">Save token</button>`;
  form.querySelector('small').textContent = `(${purpose})`;
  container.append(form);
  return new Promise((resolve) => {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const token = form.querySelector('input').value.trim();
      if (!token) return;
      saveToken(token);
      resolve(token);
    });
  });
}
