// Shared by the pages: the CSRF token, a JSON POST that reports errors in words, and a status message.
export const csrf = document.querySelector('meta[name="csrf-token"]').content;

export function toast(message, isError = false) {
  const box = document.getElementById('toast');
  box.textContent = message;
  box.className = isError ? 'show error' : 'show';
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.className = ''; }, isError ? 8000 : 2500);
}

export async function postJSON(url, body) {
  let response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (err) {
    return { ok: false, status: 0, error: 'De app is niet bereikbaar: draait `notulist serve` nog?' };
  }
  let data = {};
  try { data = await response.json(); } catch (err) { data = { error: await response.text().catch(() => '') }; }
  return { ok: response.ok, status: response.status, data, error: data.error || response.statusText };
}
