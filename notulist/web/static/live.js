// "Nieuwe opname": capture the microphone (AudioWorklet, 16 kHz mono s16le, 100 ms frames), send it over the
// audio socket (protocol: notulist/web/live_socket.py), show the live transcript, pause/resume, name speakers, stop.
// Every message to the server is numbered and kept until acknowledged: after a dropped connection the page
// reconnects and resends what the server has not got (up to MAX_HELD_S seconds of audio).
import { postJSON, toast } from './common.js';

const data = JSON.parse(document.getElementById('live-data').textContent);
const EN = data.lang === 'en';
const say = (nl, en) => (EN ? en : nl);
const MAX_HELD_S = 600; // audio the page keeps while the connection is gone: 10 minutes (about 19 MB)
const FRAME_S = 0.1;
const $ = (id) => document.getElementById(id);

const st = {
  rid: null, ws: null, connected: false, retries: 0, lostSince: null,
  outbox: [], nextSeq: 0, synced: false,
  capturing: false, paused: false, state: 'setup', capturedS: 0,
  names: {}, labels: new Set(), stream: null, ctx: null, node: null, finished: false,
};

// --- messages to the user ---------------------------------------------------------------------------------------
function message(text, info = false) {
  const box = $('message');
  if (!text) { box.hidden = true; return; }
  box.textContent = text;
  box.className = info ? 'message info' : 'message';
  box.hidden = false;
}

function micError(err) {
  const name = err && err.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return say('Geen toestemming voor de microfoon. Sta de microfoon toe voor dit adres (het slotje of camera-icoon in de adresbalk) en laad de pagina opnieuw.',
      'Microphone permission denied. Allow the microphone for this address (the lock icon in the address bar) and reload.');
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') {
    return say('Geen microfoon gevonden. Sluit een microfoon aan en kies hem in de lijst.', 'No microphone found. Connect one and pick it in the list.');
  }
  if (name === 'NotReadableError' || name === 'AbortError') {
    return say('De microfoon werkt niet of is in gebruik door een ander programma. Sluit dat programma of kies een andere microfoon.',
      'The microphone does not work or another program uses it. Close that program or pick another microphone.');
  }
  return say(`De microfoon kon niet worden geopend (${name || err}).`, `Could not open the microphone (${name || err}).`);
}

// --- the microphone -----------------------------------------------------------------------------------------------
async function listMics() {
  const select = $('mic');
  const chosen = select.value;
  const devices = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput');
  select.replaceChildren(...devices.map((d, i) => new Option(d.label || `${say('Microfoon', 'Microphone')} ${i + 1}`, d.deviceId)));
  if (devices.some((d) => d.deviceId === chosen)) select.value = chosen;
  return devices;
}

function closeMic() {
  if (st.stream) st.stream.getTracks().forEach((t) => { t.onended = null; t.stop(); });
  if (st.ctx) st.ctx.close().catch(() => {});
  st.stream = null; st.ctx = null; st.node = null;
}

async function openMic() {
  closeMic();
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    throw Object.assign(new Error('no mediaDevices'), { name: 'NotFoundError' });
  }
  const deviceId = $('mic').value;
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { deviceId: deviceId ? { exact: deviceId } : undefined, channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  });
  let ctx;
  let source;
  try {
    ctx = new AudioContext({ sampleRate: 16000 });
    source = ctx.createMediaStreamSource(stream);
  } catch (err) { // a browser that cannot resample the stream itself: the worklet resamples
    if (ctx) ctx.close().catch(() => {});
    ctx = new AudioContext();
    source = ctx.createMediaStreamSource(stream);
  }
  await ctx.audioWorklet.addModule('/static/live-worklet.js');
  const node = new AudioWorkletNode(ctx, 'pcm-frames');
  node.port.onmessage = (event) => onFrame(new Int16Array(event.data.pcm), event.data.peak);
  source.connect(node);
  Object.assign(st, { stream, ctx, node });
  stream.getAudioTracks().forEach((track) => { track.onended = deviceLost; });
  if (ctx.state === 'suspended') document.addEventListener('click', () => ctx.resume(), { once: true });
  await listMics();
}

function meter(peak) {
  const pct = Math.min(100, Math.round(Math.sqrt(peak) * 100));
  for (const id of ['meter-bar', 'meter-bar-2']) { const bar = $(id); if (bar) bar.style.width = `${pct}%`; }
  $('meter').setAttribute('aria-valuenow', String(pct));
}

function onFrame(pcm, peak) {
  meter(peak);
  if (!st.capturing || st.paused) return; // a paused stretch is never captured
  st.capturedS += pcm.length / 16000;
  const buffer = new ArrayBuffer(4 + pcm.byteLength);
  const seq = st.nextSeq++;
  new DataView(buffer).setUint32(0, seq, true);
  new Int16Array(buffer, 4).set(pcm);
  queue({ seq, payload: buffer, audio: true });
  if (heldSeconds() > MAX_HELD_S) {
    pause('buffer_full');
    message(say(`De verbinding is al lang weg en de pagina houdt al ${MAX_HELD_S / 60} minuten audio vast: de opname is gepauzeerd. Wat is opgenomen gaat niet verloren.`,
      `The connection has been gone a long time and the page holds ${MAX_HELD_S / 60} minutes of audio: recording paused.`));
  }
}

function deviceLost() {
  if (!st.capturing) { message(say('De microfoon is weggevallen. Sluit hem weer aan of kies een andere.', 'The microphone went away. Reconnect it or pick another.')); return; }
  pause('device_lost');
  message(say('De microfoon is weggevallen (losgekoppeld?). Wat is opgenomen blijft bewaard. Kies een microfoon en klik op Hervatten.',
    'The microphone went away (unplugged?). What was recorded is kept. Pick a microphone and click Resume.'));
  listMics().catch(() => {});
}

// --- the socket -----------------------------------------------------------------------------------------------------
function heldSeconds() { return st.outbox.filter((m) => m.audio).length * FRAME_S; }

function queue(item) {
  st.outbox.push(item);
  if (st.connected && st.synced) st.ws.send(item.payload);
}

function control(msg) {
  const seq = st.nextSeq++;
  queue({ seq, payload: JSON.stringify({ ...msg, seq }), audio: false });
}

function dropAcked(nextSeq) {
  let n = 0;
  while (n < st.outbox.length && st.outbox[n].seq < nextSeq) n++;
  if (n) st.outbox.splice(0, n);
}

function resendFrom(nextSeq) {
  dropAcked(nextSeq);
  for (const item of st.outbox) st.ws.send(item.payload);
}

function connect() {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${location.host}/api/live/${encodeURIComponent(st.rid)}/socket`);
  ws.binaryType = 'arraybuffer';
  st.ws = ws; st.synced = false;
  ws.onopen = () => { st.connected = true; st.retries = 0; };
  ws.onmessage = (event) => handle(JSON.parse(event.data));
  ws.onclose = () => {
    st.connected = false; st.synced = false;
    if (st.finished) return;
    if (st.lostSince === null) st.lostSince = Date.now();
    showConnection();
    const delay = Math.min(5000, 500 * 2 ** st.retries++);
    setTimeout(connect, delay);
  };
}

function showConnection() {
  const conn = $('conn');
  if (st.connected) { conn.textContent = ''; conn.className = 'conn'; return; }
  const away = Math.round((Date.now() - (st.lostSince || Date.now())) / 1000);
  conn.className = 'conn bad';
  conn.textContent = say(`Verbinding weg (${away} s); ${Math.round(heldSeconds())} s audio bewaard in deze pagina (tot ${MAX_HELD_S / 60} min), wordt opnieuw verstuurd.`,
    `Connection lost (${away} s); ${Math.round(heldSeconds())} s of audio kept in this page (up to ${MAX_HELD_S / 60} min), will be resent.`);
  if (away >= 8) {
    message(say('notulist serve reageert niet meer. De audio tot het wegvallen staat op schijf (hoogstens ongeveer 1 s kwijt). Start `notulist serve` opnieuw: de opname staat dan onder "Onderbroken opnamen" op deze pagina (of gebruik `notulist recover`). Deze pagina blijft het intussen opnieuw proberen.',
      'notulist serve no longer answers. The audio up to then is on disk (at most about 1 s lost). Start `notulist serve` again: the recording is listed under "Interrupted recordings" on this page (or use `notulist recover`).'));
  }
}

function handle(msg) {
  switch (msg.type) {
    case 'hello':
      if (st.outbox.length === 0 || st.nextSeq < msg.next_seq) st.nextSeq = Math.max(st.nextSeq, msg.next_seq);
      st.synced = true;
      if (st.lostSince !== null) { st.lostSince = null; message(''); }
      resendFrom(msg.next_seq);
      $('live-lines').replaceChildren();
      showConnection();
      setState(msg.state);
      showHints(msg.hints);
      if (msg.state === 'recording' && !st.capturing) { // this page does not capture (reopened): say so as a pause
        control({ type: 'pause', reason: 'page_closed' });
        message(say('Deze opname liep nog zonder pagina. Klik op Hervatten om met de gekozen microfoon verder op te nemen, of op Stoppen en verwerken.',
          'This recording was running without a page. Click Resume to continue with the chosen microphone, or Stop.'), true);
      }
      break;
    case 'ack': dropAcked(msg.next_seq); break;
    case 'resend': resendFrom(msg.next_seq); break;
    case 'line': addLine(msg); break;
    case 'tail': $('tail-open').textContent = msg.open; $('tail-prov').textContent = msg.provisional; break;
    case 'labels': st.names = msg.names; relabel(); break;
    case 'gaps': msg.gaps.forEach(addGap); break;
    case 'paused': addGap({ at_s: msg.at_s, paused_s: null }); break;
    case 'resumed': addGap({ at_s: msg.at_s, paused_s: msg.paused_s }); break;
    case 'status': status(msg); break;
    case 'state': setState(msg.state); break;
    case 'progress': progress(msg); break;
    case 'error': message(msg.message); toast(msg.message, true); break;
    case 'done': finished(msg.session); break;
    default: break;
  }
}

// --- the transcript ------------------------------------------------------------------------------------------------
function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds || 0));
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${mm}:${ss}`;
}

function speakerClass(label) {
  const n = Number(String(label || '').replace(/\D/g, ''));
  return Number.isFinite(n) && label ? `spk-${(n + 7) % 8}` : '';
}

function speakerName(label) {
  const named = label && st.names[label];
  return named && named.name ? `${named.name} (${label})` : (label || '?');
}

function insertByTime(li, start) {
  const list = $('live-lines');
  li.dataset.start = String(start);
  const after = Array.from(list.children).find((el) => Number(el.dataset.start) > start);
  list.insertBefore(li, after || null);
}

function addLine(line) {
  const existing = document.querySelector(`#live-lines li[data-id="${line.id}"]`);
  const li = existing || document.createElement('li');
  li.dataset.id = line.id;
  li.className = speakerClass(line.speaker);
  li.dataset.speaker = line.speaker || '';
  const time = Object.assign(document.createElement('span'), { className: 'time', textContent: clock(line.start) });
  const who = Object.assign(document.createElement('span'), { className: 'who', textContent: speakerName(line.speaker) });
  const text = document.createElement('span');
  text.className = 'text';
  let at = 0;
  for (const [i, link] of line.links.entries()) {
    if (link.start < at) continue;
    text.append(line.text.slice(at, link.start));
    const button = Object.assign(document.createElement('button'), { type: 'button', className: 'abbr', textContent: line.text.slice(link.start, link.end) });
    button.dataset.link = String(i);
    button.addEventListener('click', (event) => explain(event.currentTarget, link));
    text.append(button);
    at = link.end;
  }
  text.append(line.text.slice(at));
  li.replaceChildren(time, who, text);
  if (!existing) insertByTime(li, line.start);
  if (line.speaker && !st.labels.has(line.speaker)) {
    st.labels.add(line.speaker);
    $('name-label').append(new Option(line.speaker, line.speaker));
  }
  li.scrollIntoView({ block: 'nearest' });
}

function addGap(gap) {
  const key = String(gap.at_s);
  const li = document.querySelector(`#live-lines li.gap[data-at="${key}"]`) || document.createElement('li');
  li.className = 'gap';
  li.dataset.at = key;
  const length = gap.paused_s == null ? say('loopt nog', 'ongoing') : `${Math.round(gap.paused_s)} s`;
  li.textContent = say(`— gepauzeerd bij ${clock(gap.at_s)} (${length}); niet opgenomen —`, `— paused at ${clock(gap.at_s)} (${length}); not recorded —`);
  if (!li.parentNode) insertByTime(li, gap.at_s + 0.0001);
}

function relabel() {
  document.querySelectorAll('#live-lines li[data-speaker]').forEach((li) => {
    const who = li.querySelector('.who');
    if (who) who.textContent = speakerName(li.dataset.speaker);
  });
}

function explain(target, link) {
  const pop = $('popover');
  const head = Object.assign(document.createElement('h3'), { textContent: `${link.abbreviation} — ${link.expansion}` });
  const parts = [head];
  if (link.description) parts.push(Object.assign(document.createElement('p'), { textContent: link.description }));
  if (link.source) parts.push(Object.assign(document.createElement('p'), { className: 'muted small', textContent: `${say('Bron', 'Source')}: ${link.source}` }));
  const close = Object.assign(document.createElement('button'), { type: 'button', textContent: say('Sluiten', 'Close') });
  close.addEventListener('click', () => { pop.hidden = true; target.focus(); });
  parts.push(close);
  pop.replaceChildren(...parts);
  const box = target.getBoundingClientRect();
  pop.style.left = `${Math.max(8, window.scrollX + box.left)}px`;
  pop.style.top = `${window.scrollY + box.bottom + 6}px`;
  pop.hidden = false;
}

// --- state, timer, lag, final pass -------------------------------------------------------------------------------
function status(msg) {
  const seconds = st.capturing ? Math.max(st.capturedS, msg.captured_s) : msg.captured_s;
  $('timer').textContent = clock(seconds);
  const lag = $('lag');
  if (msg.state === 'recording' || msg.state === 'paused') {
    if (msg.model_error) lag.textContent = say(`geen live tekst (${msg.model_error}); de opname loopt door en wordt na het stoppen volledig verwerkt`, `no live text (${msg.model_error}); still recording`);
    else lag.textContent = msg.model_ready ? say(`achterstand ${msg.lag_s.toFixed(1)} s`, `${msg.lag_s.toFixed(1)} s behind`) : say('model laden… (de opname loopt al)', 'loading model… (already recording)');
  } else {
    lag.textContent = '';
  }
  lag.dataset.lag = String(msg.lag_s);
}

function setState(state) {
  st.state = state;
  $('setup').hidden = true;
  $('recording').hidden = false;
  $('recording').classList.toggle('paused', state !== 'recording');
  const active = state === 'recording' || state === 'paused';
  $('pause').disabled = !active;
  $('stop').disabled = !active;
  $('pause').textContent = state === 'paused' ? say('Hervatten', 'Resume') : say('Pauze', 'Pause');
  st.paused = state === 'paused';
  if (state === 'finalizing' || state === 'stopping') {
    $('final').hidden = false;
    $('final-status').textContent = say('De volledige verwerking loopt (herkenning, sprekers, afkortingen, samenvatting, verslag) …', 'The full processing runs …');
    if (st.capturing) { st.capturing = false; closeMic(); }
  }
}

function progress(msg) {
  $('final').hidden = false;
  const bar = $('final-bar');
  if (msg.total > 0) { bar.max = msg.total; bar.value = msg.done; } else { bar.removeAttribute('value'); }
  $('final-status').textContent = `${EN ? msg.stage_en : msg.stage} ${msg.total ? `${Math.round((100 * msg.done) / msg.total)}%` : ''}`;
}

function finished(session) {
  st.finished = true;
  $('final-status').textContent = say('Klaar: de sessie wordt geopend …', 'Done: opening the session …');
  if (st.ws) st.ws.close();
  location.href = `/s/${encodeURIComponent(session)}`;
}

// --- actions ---------------------------------------------------------------------------------------------------------
function pause(reason) {
  if (st.state !== 'recording') return;
  st.paused = true;
  control(reason ? { type: 'pause', reason } : { type: 'pause' });
  setState('paused');
}

async function resume() {
  if (st.state !== 'paused') return;
  try {
    if (!st.stream || !st.stream.getAudioTracks().some((t) => t.readyState === 'live')) await openMic();
  } catch (err) { message(micError(err)); return; }
  if (st.ctx && st.ctx.state === 'suspended') await st.ctx.resume();
  message('');
  st.capturing = true;
  control({ type: 'resume' });
  setState('recording');
}

function participants() {
  return Array.from(document.querySelectorAll('#participants li')).map((li) => ({
    name: li.querySelector('input').value.trim(), role: li.querySelector('select').value,
  })).filter((p) => p.name);
}

function addParticipant() {
  const li = document.createElement('li');
  const name = Object.assign(document.createElement('input'), { maxLength: 120, placeholder: say('Naam', 'Name') });
  name.setAttribute('aria-label', say('Naam', 'Name'));
  const role = document.createElement('select');
  role.setAttribute('aria-label', say('Rol', 'Role'));
  role.append(new Option('', ''), ...data.roles.map((r) => new Option(r, r)));
  li.append(name, ' ', role);
  $('participants').append(li);
  name.focus();
}

const DOCUMENT_TYPES = ['.txt', '.md', '.docx', '.pdf'];
const MAX_DOCUMENTS_MB = 20;

function base64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(',', 2)[1] || '');
    reader.onerror = () => reject(new Error(say(`Het document ${file.name} kon niet worden gelezen: kies het opnieuw.`, `Could not read ${file.name}: pick it again.`)));
    reader.readAsDataURL(file);
  });
}

async function documents() { // the agenda or papers, read in the page; the server reads their text
  const files = Array.from($('documents').files || []);
  const wrong = files.find((f) => !DOCUMENT_TYPES.some((ext) => f.name.toLowerCase().endsWith(ext)));
  if (wrong) throw new Error(say(`Agenda of stukken: ${wrong.name} is geen .txt, .md, .docx of .pdf. Kies een ander bestand.`, `Agenda or papers: ${wrong.name} is not a .txt, .md, .docx or .pdf file.`));
  if (files.reduce((n, f) => n + f.size, 0) > MAX_DOCUMENTS_MB * 1024 * 1024) {
    throw new Error(say(`Agenda of stukken: samen groter dan ${MAX_DOCUMENTS_MB} MB. Voeg alleen de agenda of de belangrijkste stukken toe.`, `Agenda or papers: over ${MAX_DOCUMENTS_MB} MB together.`));
  }
  return Promise.all(files.map(async (f) => ({ name: f.name, data: await base64(f) })));
}

function showHints(hints) {
  $('hints').hidden = !hints;
  $('hints-list').textContent = hints || '';
}

async function record(event) {
  event.preventDefault();
  let papers;
  try { papers = await documents(); } catch (err) { message(err.message); return; }
  if (!st.stream) {
    try { await openMic(); } catch (err) { message(micError(err)); return; }
  }
  if (st.ctx.state === 'suspended') await st.ctx.resume();
  $('record').disabled = true;
  st.capturing = true; // capture starts now: frames wait in the page until the socket is open
  const people = participants();
  const names = $('participant-names');
  names.replaceChildren(...people.map((p) => new Option(p.name, p.name)));
  const answer = await postJSON('/api/live/start', {
    title: $('title').value, participants: people, keywords: $('keywords').value, documents: papers,
  });
  if (!answer.ok) {
    st.capturing = false; st.outbox = []; st.nextSeq = 0; st.capturedS = 0;
    $('record').disabled = false;
    message(answer.error);
    return;
  }
  st.rid = answer.data.id;
  message('');
  showHints(answer.data.hints);
  history.replaceState(null, '', `/live?rec=${encodeURIComponent(st.rid)}`);
  setState('recording');
  connect();
}

function recover(folder) {
  return async () => {
    const answer = await postJSON('/api/live/recover', { folder });
    if (!answer.ok) { message(answer.error); return; }
    st.rid = answer.data.id;
    setState('finalizing');
    connect();
  };
}

window.addEventListener('beforeunload', (event) => {
  if (['recording', 'paused', 'stopping'].includes(st.state) && !st.finished) {
    event.preventDefault();
    event.returnValue = '';
  }
});

document.addEventListener('click', (event) => {
  const pop = $('popover');
  if (!pop.hidden && !pop.contains(event.target) && !event.target.classList.contains('abbr')) pop.hidden = true;
});

$('setup-form').addEventListener('submit', record);
$('add-participant').addEventListener('click', addParticipant);
$('pause').addEventListener('click', () => (st.state === 'paused' ? resume() : pause()));
$('stop').addEventListener('click', () => {
  if (st.state === 'paused') st.paused = true;
  control({ type: 'stop' });
  st.capturing = false;
  setState('stopping');
});
$('name-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const label = $('name-label').value;
  if (!label) { toast(say('Er is nog geen spreker herkend.', 'No speaker recognised yet.'), true); return; }
  control({ type: 'name', label, name: $('name-value').value, role: $('name-role').value });
  $('name-value').value = '';
});
$('mic').addEventListener('change', () => { if (!st.capturing) openMic().then(() => message('')).catch((err) => message(micError(err))); });
document.querySelectorAll('button.recover').forEach((b) => b.addEventListener('click', recover(b.dataset.folder)));
setInterval(() => {
  if (st.rid && !st.connected) showConnection();
  if (st.capturing && !st.connected) $('timer').textContent = clock(st.capturedS); // the timer runs on without the server
}, 1000);

async function modelState() { // the live model loads when this page opens; say when it is ready
  const box = $('model-state');
  try {
    const answer = await (await fetch('/api/live/model', { credentials: 'same-origin' })).json();
    if (answer.error) { box.textContent = say(`Het spraakmodel kon niet laden (${answer.error}): er komt geen live tekst; de opname en de verwerking daarna werken wel.`, `The speech model could not load (${answer.error}).`); return; }
    if (answer.ready) { box.textContent = box.dataset.loaded; box.dataset.ready = '1'; return; }
  } catch (err) { /* the server is busy or gone: try again */ }
  if (!st.rid) setTimeout(modelState, 1000);
}

if (!data.attach) modelState();

if (data.attach) {
  st.rid = data.attach;
  $('setup').hidden = true;
  connect();
  openMic().catch(() => {}); // for Resume; a refusal is said when Resume is clicked
} else {
  openMic().then(() => message('')).catch((err) => {
    message(micError(err));
    listMics().catch(() => {});
  });
}
