// The sessions page: upload a recording (streamed as the request body), with the agenda or papers attached, and
// follow its transcription (SSE).
import { csrf, toast } from './common.js';

const form = document.getElementById('upload-form');
const fileInput = document.getElementById('upload-file');
const contextInput = document.getElementById('upload-context');
const box = document.getElementById('upload-progress');
const bar = document.getElementById('upload-bar');
const status = document.getElementById('upload-status');

function show(text) { box.hidden = false; status.textContent = text; }

function follow(job) {
  const source = new EventSource(`/api/jobs/${encodeURIComponent(job.id)}/events`);
  source.onmessage = (event) => {
    const state = JSON.parse(event.data);
    if (state.total > 0) { bar.max = state.total; bar.value = state.done; } else { bar.removeAttribute('value'); }
    if (state.state === 'running') {
      show(`${state.stage} ${state.total ? Math.round((100 * state.done) / state.total) + '%' : ''}`);
    } else if (state.state === 'done') {
      source.close();
      bar.max = 1; bar.value = 1;
      status.textContent = '';
      const link = document.createElement('a');
      link.href = `/s/${encodeURIComponent(state.session_id)}`;
      link.textContent = `Klaar: open ${state.session_id}`;
      status.append(link);
      link.focus();
    } else {
      source.close();
      show(`Mislukt: ${state.error}`);
      toast(state.error, true);
    }
  };
  source.onerror = () => { source.close(); };
}

// The attached documents (agenda, papers) go first, one request each; the server reads and checks each at once.
// Returns their ids, or null when one is refused (its message is shown).
async function sendContext() {
  const ids = [];
  for (const doc of contextInput.files) {
    show(`Stuk ${doc.name} lezen …`);
    let response;
    try {
      response = await fetch(`/api/context?name=${encodeURIComponent(doc.name)}`, {
        method: 'POST', headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/octet-stream' },
        body: doc, credentials: 'same-origin',
      });
    } catch (err) {
      show('Uploaden mislukt: de app is niet bereikbaar.');
      return null;
    }
    const data = await response.json().catch(() => ({ error: response.statusText }));
    if (!response.ok) { show(data.error); toast(data.error, true); return null; }
    ids.push(data.id);
  }
  return ids;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const file = fileInput.files[0];
  if (!file) return;
  if (file.size > Number(form.dataset.max)) {
    toast(`Het bestand is te groot (hoogstens ${Math.round(form.dataset.max / 1048576)} MB).`, true);
    return;
  }
  bar.removeAttribute('value');
  const context = await sendContext();
  if (context === null) return;  // a document was refused: nothing is started
  show(`Uploaden van ${file.name} …`);
  let response;
  try {
    const query = `name=${encodeURIComponent(file.name)}&context=${context.join(',')}`;
    response = await fetch(`/api/upload?${query}`, {
      method: 'POST', headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/octet-stream' },
      body: file, credentials: 'same-origin',
    });
  } catch (err) {
    show('Uploaden mislukt: de app is niet bereikbaar.');
    return;
  }
  const data = await response.json().catch(() => ({ error: response.statusText }));
  if (!response.ok) { show(data.error); toast(data.error, true); return; }
  show('Transcriberen …');
  follow(data);
});
