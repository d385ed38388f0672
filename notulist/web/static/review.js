// The review page: audio follows the transcript, and every correction is one audited edit (POST, versioned).
import { postJSON, toast } from './common.js';

const root = document.getElementById('review');
const sid = root.dataset.sid;
const words = JSON.parse(document.getElementById('words-data').textContent);
const glossary = JSON.parse(document.getElementById('glossary-data').textContent);
const speakers = JSON.parse(document.getElementById('speakers-data').textContent);
const audio = document.getElementById('audio');
const lines = Array.from(document.querySelectorAll('#lines > .line'));
const starts = lines.map((li) => Number(li.dataset.start));
const popover = document.getElementById('popover');
const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2];
const POSITION_KEY = `notulist-position-${sid}`;
let version = Number(root.dataset.version);
let playing = null;

// --- audio -----------------------------------------------------------------------------------------------------
function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds || 0));
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${mm}:${ss}`;
}

function playFrom(seconds) {
  if (!audio) return;
  audio.currentTime = Math.max(0, seconds);
  audio.play().catch(() => {});
}

function toggle() { if (audio) { if (audio.paused) audio.play().catch(() => {}); else audio.pause(); } }
function skip(delta) { if (audio) audio.currentTime = Math.max(0, audio.currentTime + delta); }
function setSpeed(value) {
  if (!audio) return;
  audio.playbackRate = value;
  document.getElementById('speed').value = String(value);
}
function stepSpeed(direction) {
  const index = SPEEDS.indexOf(audio ? audio.playbackRate : 1);
  const next = SPEEDS[Math.min(SPEEDS.length - 1, Math.max(0, (index < 0 ? 2 : index) + direction))];
  setSpeed(next);
}

function lineAt(seconds) {
  let lo = 0; let hi = starts.length - 1; let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] <= seconds + 0.01) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
  }
  return found < 0 ? null : lines[found];
}

function follow() {
  document.getElementById('clock').textContent = clock(audio.currentTime);
  const line = lineAt(audio.currentTime);
  if (line === playing) return;
  if (playing) playing.classList.remove('playing');
  playing = line;
  if (!line) return;
  line.classList.add('playing');
  if (!document.activeElement || !['TEXTAREA', 'INPUT', 'SELECT'].includes(document.activeElement.tagName)) {
    line.scrollIntoView({ block: 'nearest' });
  }
}

if (audio) {
  ['timeupdate', 'seeked', 'play'].forEach((name) => audio.addEventListener(name, follow));
  const saved = sessionStorage.getItem(POSITION_KEY);
  if (saved !== null) {
    sessionStorage.removeItem(POSITION_KEY);
    audio.addEventListener('loadedmetadata', () => { audio.currentTime = Number(saved); }, { once: true });
  }
}
document.getElementById('play').addEventListener('click', toggle);
document.getElementById('back5').addEventListener('click', () => skip(-5));
document.getElementById('fwd5').addEventListener('click', () => skip(5));
document.getElementById('speed').addEventListener('change', (e) => setSpeed(Number(e.target.value)));

// --- focus among lines (one tab stop, arrows move) ---------------------------------------------------------------
function focusLine(line) {
  if (!line) return;
  lines.forEach((li) => { li.tabIndex = -1; });
  line.tabIndex = 0;
  line.focus();
}
function currentLine() { return document.activeElement?.closest?.('.line') || playing || lines[0]; }

// --- edits ------------------------------------------------------------------------------------------------------
async function edit(action, payload) {
  const result = await postJSON(`/api/s/${encodeURIComponent(sid)}/edit`, { version, action, ...payload });
  if (!result.ok) {
    toast(result.status === 409 ? words.stale : result.error, true);
    return null;
  }
  version = result.data.version;
  document.getElementById('version').textContent = String(version);
  toast(words.saved);
  return result.data;
}

function reloadKeepingPlace() {
  if (audio) sessionStorage.setItem(POSITION_KEY, String(audio.currentTime));
  window.location.reload();
}

function updateLines(state) {
  const byId = new Map(state.lines.map((l) => [l.id, l]));
  for (const li of lines) {
    const data = byId.get(li.id);
    if (!data) continue;
    const text = li.querySelector('.text');
    const shown = text.textContent;
    if (shown !== data.text) text.textContent = data.text;
    li.classList.toggle('corrected', data.original !== null);
    const orig = li.querySelector('.orig');
    orig.hidden = data.original === null;
    orig.querySelector('q').textContent = data.original || '';
    li.dataset.speaker = data.speaker || '';
    const who = li.querySelector('.who');
    who.textContent = data.speaker_name;
    who.dataset.speaker = data.speaker || '';
    if (data.checked) {
      li.classList.add('checked');
      li.querySelector('.check-state').textContent = `✓ ${words.checked}: ${data.checked}`;
      document.querySelector(`#flagged-list a[data-goto="${li.id}"]`)?.parentElement.remove();
    }
  }
}

function closeEditor(li) {
  li.querySelector('.editor')?.remove();
  li.classList.remove('editing');
}

function openEditor(li, build) {
  closeEditor(li);
  li.classList.add('editing');
  const box = document.createElement('div');
  box.className = 'editor';
  const field = build(box);
  const save = document.createElement('button');
  save.type = 'submit'; save.textContent = words.save;
  const cancel = document.createElement('button');
  cancel.type = 'button'; cancel.textContent = words.cancel;
  cancel.addEventListener('click', () => { closeEditor(li); focusLine(li); });
  box.append(save, ' ', cancel);
  li.querySelector('.acts').before(box);
  field.focus();
  return { box, field, save };
}

function editText(li) {
  const { field, save } = openEditor(li, (box) => {
    const area = document.createElement('textarea');
    area.value = li.querySelector('.text').textContent;
    area.setAttribute('aria-label', `${words.save}: ${li.id}`);
    box.append(area);
    return area;
  });
  const submit = async () => {
    const state = await edit('correct', { segment_id: li.id, text: field.value });
    if (state) { closeEditor(li); updateLines(state); focusLine(li); }
  };
  save.addEventListener('click', submit);
  field.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); submit(); }
    if (e.key === 'Escape') { closeEditor(li); focusLine(li); }
  });
}

function editSpeaker(li) {
  const { field, save } = openEditor(li, (box) => {
    const select = document.createElement('select');
    select.setAttribute('aria-label', li.id);
    for (const s of speakers) {
      const option = document.createElement('option');
      option.value = s.id; option.textContent = s.name === s.id ? s.id : `${s.name} (${s.id})`;
      option.selected = s.id === li.dataset.speaker;
      select.append(option);
    }
    box.append(select, ' ');
    return select;
  });
  const submit = async () => {
    const state = await edit('reassign', { segment_id: li.id, speaker: field.value });
    if (state) { closeEditor(li); updateLines(state); focusLine(li); }
  };
  save.addEventListener('click', submit);
  field.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); submit(); }
    if (e.key === 'Escape') { closeEditor(li); focusLine(li); }
  });
}

async function check(li, verdict) {
  const state = await edit('check', { segment_id: li.id, verdict });
  if (state) updateLines(state);
}

// --- glossary popover -------------------------------------------------------------------------------------------
function explain(button) {
  const entry = glossary[button.dataset.entry];
  if (!entry) return;
  popover.replaceChildren();
  const title = document.createElement('h3');
  title.textContent = `${entry.abbreviation} — ${entry.expansion}`;
  const description = document.createElement('p');
  description.textContent = entry.description;
  const source = document.createElement('p');
  source.className = 'muted small';
  source.textContent = `${words.source}: ${entry.source}`;
  popover.append(title, description, source);
  const rect = button.getBoundingClientRect();
  popover.style.left = `${window.scrollX + rect.left}px`;
  popover.style.top = `${window.scrollY + rect.bottom + 4}px`;
  popover.hidden = false;
  popover.dataset.for = button.closest('.line')?.id || '';
}
function closePopover() { popover.hidden = true; }

// --- clicks -----------------------------------------------------------------------------------------------------
document.getElementById('lines').addEventListener('click', (event) => {
  const target = event.target;
  const li = target.closest('.line');
  if (!li || target.closest('.editor')) return;
  const act = target.closest('[data-act]');
  if (act) {
    if (act.dataset.act === 'edit') editText(li);
    else if (act.dataset.act === 'reassign') editSpeaker(li);
    else if (act.dataset.act === 'check') check(li, act.dataset.verdict);
    return;
  }
  if (target.classList.contains('abbr')) { explain(target); return; }
  closePopover();
  const word = target.closest('[data-t]');
  const seek = target.closest('[data-seek]');
  focusLine(li);
  playFrom(Number(word ? word.dataset.t : seek ? seek.dataset.seek : li.dataset.start));
});

document.addEventListener('click', (event) => {
  const link = event.target.closest('[data-goto]');
  if (!link) return;
  event.preventDefault();
  const li = document.getElementById(link.dataset.goto);
  if (li) { focusLine(li); li.scrollIntoView({ block: 'center' }); playFrom(Number(li.dataset.start)); }
});

document.getElementById('names-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const names = {}; const roles = {};
  for (const input of event.target.querySelectorAll('input[name="name"]')) {
    if (input.value !== input.defaultValue && input.value.trim()) names[input.dataset.speaker] = input.value;
  }
  for (const input of event.target.querySelectorAll('input[name="role"]')) {
    if (input.value !== input.defaultValue) roles[input.dataset.speaker] = input.value;
  }
  if (await edit('name', { names, roles })) reloadKeepingPlace();
});

document.getElementById('replace-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  const state = await edit('replace', {
    find: form.find.value, replace: form.replace.value, ignore_case: form.ignore_case.checked,
  });
  if (state) reloadKeepingPlace();
});

async function undo() { if (await edit('undo', {})) reloadKeepingPlace(); }
document.getElementById('undo').addEventListener('click', undo);

function editPoint(li) {
  if (li.querySelector('form')) return;
  const form = document.createElement('form');
  form.className = 'stack';
  const area = document.createElement('textarea');
  area.name = 'text'; area.rows = 3; area.value = li.querySelector('.ptext').textContent;
  area.setAttribute('aria-label', li.dataset.point);
  const owner = document.createElement('input');
  owner.name = 'owner'; owner.value = li.dataset.owner; owner.setAttribute('aria-label', 'owner');
  const save = document.createElement('button');
  save.type = 'submit'; save.textContent = words.save;
  form.append(area, owner, save);
  li.append(form);
  area.focus();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (await edit('point_edit', { point: li.dataset.point, text: area.value, owner: owner.value })) {
      reloadKeepingPlace();
    }
  });
}

document.getElementById('points')?.addEventListener('click', async (event) => {
  const button = event.target.closest('[data-pact]');
  if (!button) return;
  const li = button.closest('.point');
  if (button.dataset.pact === 'point_edit') { editPoint(li); return; }
  if (await edit(button.dataset.pact, { point: li.dataset.point })) reloadKeepingPlace();
});

document.getElementById('add-point')?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  const ids = form.segment_ids.value.split(/[\s,]+/).filter(Boolean).map((s) => s.toLowerCase());
  const payload = { kind: form.kind.value, text: form.text.value, owner: form.owner.value, segment_ids: ids };
  if (await edit('point_add', payload)) reloadKeepingPlace();
});

document.getElementById('status').addEventListener('click', async (event) => {
  if (await edit('info', { status: event.target.dataset.status })) reloadKeepingPlace();
});

for (const button of document.querySelectorAll('[data-export]')) {
  button.addEventListener('click', async () => {
    button.disabled = true;
    const result = await postJSON(`/api/s/${encodeURIComponent(sid)}/export`, { format: button.dataset.export });
    button.disabled = false;
    if (!result.ok) { toast(result.error, true); return; }
    version = result.data.version;
    document.getElementById('version').textContent = String(version);
    const link = document.createElement('a');
    link.href = result.data.url; link.download = '';
    document.body.append(link); link.click(); link.remove();
  });
}

// --- keyboard ---------------------------------------------------------------------------------------------------
function nextFlagged(from) {
  const index = from ? lines.indexOf(from) : -1;
  const open = (li) => li.classList.contains('flagged') && !li.classList.contains('checked');
  return lines.slice(index + 1).find(open) || lines.find(open) || null;
}

document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const tag = event.target.tagName;
  if (['INPUT', 'TEXTAREA', 'SELECT'].includes(tag)) return;
  const li = currentLine();
  const onLine = event.target.classList?.contains('line');
  const actions = {
    k: toggle, j: () => skip(-5), l: () => skip(5), '[': () => stepSpeed(-1), ']': () => stepSpeed(1),
    u: undo, Escape: closePopover,
    e: () => li && editText(li),
    n: () => {
      const next = nextFlagged(li);
      if (next) { focusLine(next); playFrom(Number(next.dataset.start)); } else toast(words.no_flagged);
    },
    ArrowDown: () => focusLine(lines[lines.indexOf(li) + 1]),
    ArrowUp: () => focusLine(lines[lines.indexOf(li) - 1]),
  };
  if (event.key === 'Enter' && onLine) { event.preventDefault(); playFrom(Number(li.dataset.start)); return; }
  if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && !onLine) return;
  const action = actions[event.key];
  if (action) { event.preventDefault(); action(); }
});
