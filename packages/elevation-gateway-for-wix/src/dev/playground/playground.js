// The playground: pick who you are and a call, send it to the app's endpoint exactly as a frontend
// would (dev token as Authorization), then show the reply next to what the local server recorded for
// that request id (GET /_dev/decisions/<id>): the decision, the rules weighed and each condition, and
// what reached the emulated Wix. The policy editor posts drafts (served from memory) and saves them
// with the start token; the matrix shows who may call what under the policy being served.
// Everything the server sends is untrusted text: the DOM is built with textContent only.
const $ = (id) => document.getElementById(id);
const CUSTOM = '__custom__';
const TOKEN_KEY = 'elevate-dev-token';
const DRAFT_DELAY_MS = 400;
let info;
/** The last call sent ({ identityKey, module, method, args }), re-sent when a draft compiles. */
let lastCall;

// ---------- small DOM helpers (text only) ----------

function el(tag, options = {}, ...children) {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = String(options.text);
  if (options.title) node.title = options.title;
  if (options.attrs) for (const [k, v] of Object.entries(options.attrs)) node.setAttribute(k, String(v));
  for (const child of children) if (child !== undefined && child !== null) node.append(child);
  return node;
}

function option(value, text, title) {
  const o = el('option', { text, title });
  o.value = value;
  return o;
}

const json = (value) => (value === undefined ? '(missing)' : JSON.stringify(value));
const pretty = (value) => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));

// ---------- the start token (editor routes only) ----------

/** Reads `#token=…` once, keeps it for this tab, and removes it from the address bar. */
function takeToken() {
  const match = /^#token=([A-Za-z0-9_-]+)$/.exec(window.location.hash);
  if (match) {
    window.sessionStorage.setItem(TOKEN_KEY, match[1]);
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return window.sessionStorage.getItem(TOKEN_KEY) ?? '';
}
const editorToken = takeToken();

// ---------- what the server offers ----------

async function loadInfo() {
  const response = await fetch('/_dev/playground', { cache: 'no-store' });
  if (!response.ok) throw new Error(`GET /_dev/playground answered ${response.status}`);
  info = await response.json();
  $('endpoint').textContent = `POST ${info.endpoint}`;
  const status = $('policy-status');
  const digest = `${String(info.policy.digest).slice(0, 19)}…`;
  if (info.policy.errors.length) {
    status.textContent = `The latest policy change does not build; still serving digest ${digest}`;
    status.className = 'bad';
  } else {
    const draft = info.policy.draft ? ' (a draft from the editor, not saved)' : '';
    status.textContent = `Policy in ${info.policy.dir}/${draft}: ${info.policy.rules} rule(s), digest ${digest}`;
    status.className = '';
  }
}

const identity = (key = $('identity').value) => info.identities.find((i) => i.key === key) ?? info.identities[0];

function fillIdentities() {
  const select = $('identity');
  const previous = select.value;
  select.replaceChildren(...info.identities.map((i) => option(i.key, i.label)));
  if (info.identities.some((i) => i.key === previous)) select.value = previous;
}

function fillCalls() {
  const who = identity();
  const select = $('call');
  const previous = select.value;
  const permitted = (who.subjectType && info.calls.permitted[who.subjectType]) || [];
  const granted = new Set(permitted.map((c) => c.call));
  const allowed = el('optgroup');
  allowed.label = `Permitted for ${who.label}`;
  for (const c of permitted) allowed.append(option(c.call, c.call, c.rules.map((r) => `${r.id}: ${r.description}`).join('\n')));
  if (!permitted.length) {
    const none = option('', '(none)');
    none.disabled = true;
    allowed.append(none);
  }
  const groups = [allowed];
  const others = info.calls.allCalls.filter((c) => !granted.has(c));
  if (others.length) {
    const denied = el('optgroup');
    denied.label = 'Not granted to you (expect a denial)';
    for (const c of others) denied.append(option(c, c));
    groups.push(denied);
  }
  const custom = el('optgroup');
  custom.label = 'Anything else';
  custom.append(option(CUSTOM, 'Any module and method…'));
  groups.push(custom);
  select.replaceChildren(...groups);
  const values = [...select.options].filter((o) => !o.disabled).map((o) => o.value);
  select.value = values.includes(previous) ? previous : values[0];
  $('custom-call').hidden = select.value !== CUSTOM;
}

function fillArgs() {
  const call = $('call').value;
  const example = call === CUSTOM ? [] : (info.examples[identity().key]?.[call] ?? []);
  $('args').value = JSON.stringify(example, null, 2);
  showArgsError('');
}

function showArgsError(message) {
  const box = $('args-error');
  box.textContent = message;
  box.hidden = !message;
  $('args').setAttribute('aria-invalid', message ? 'true' : 'false');
}

function target() {
  const call = $('call').value;
  if (call === CUSTOM) return { module: $('module').value.trim(), method: $('method').value.trim() };
  const dot = call.lastIndexOf('.');
  return { module: call.slice(0, dot), method: call.slice(dot + 1) };
}

/** Selects `call` in the form: from the list when offered there, else as "any module and method". */
function chooseCall(call) {
  const select = $('call');
  if ([...select.options].some((o) => o.value === call && !o.disabled)) {
    select.value = call;
  } else {
    const dot = call.lastIndexOf('.');
    select.value = CUSTOM;
    $('module').value = call.slice(0, dot);
    $('method').value = call.slice(dot + 1);
  }
  $('custom-call').hidden = select.value !== CUSTOM;
}

// ---------- the arguments ----------

/** The arguments as JSON, or a message with the line and column of the first error. */
function readArgs(text) {
  try {
    const args = JSON.parse(text || '[]');
    if (!Array.isArray(args)) return { error: 'Arguments: must be a JSON array, e.g. ["o-1"]', offset: 0 };
    return { args };
  } catch (error) {
    const message = String(error.message);
    let line;
    let column;
    const lc = /\(line (\d+) column (\d+)\)/.exec(message);
    const at = /at position (\d+)/.exec(message);
    let offset = at ? Number(at[1]) : text.length;
    if (lc) {
      line = Number(lc[1]);
      column = Number(lc[2]);
    } else {
      const before = text.slice(0, offset).split('\n');
      line = before.length;
      column = before[before.length - 1].length + 1;
    }
    if (!at) offset = offsetOf(text, line, column);
    const reason = message
      .replace(/\s*\(line \d+ column \d+\)/, '')
      .replace(/\s*in JSON at position \d+/, '')
      .replace(/^JSON\.parse: /, '');
    return { error: `Arguments: line ${line}, column ${column}: ${reason}`, offset };
  }
}

/** The character offset of a 1-based line and column in `text`. */
function offsetOf(text, line, column) {
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length); i++) offset += lines[i].length + 1;
  return Math.min(offset + Math.max(column - 1, 0), text.length);
}

// ---------- the outcome ----------

function itemsOf(result) {
  if (!result || typeof result !== 'object') return undefined;
  for (const value of Object.values(result)) if (Array.isArray(value)) return value;
  return undefined;
}

const OUTCOME_FIELDS = ['out-status', 'out-decision', 'out-rule', 'out-reason', 'out-caller', 'out-request-id', 'out-sent', 'out-body'];
const OUTCOME_LISTS = ['out-obligations', 'out-trace', 'out-wix', 'out-items', 'out-did-you-mean'];

/** Empties the outcome, so that nothing shown belongs to an earlier request. */
function clearOutcome(why) {
  for (const id of OUTCOME_FIELDS) $(id).textContent = '';
  for (const id of OUTCOME_LISTS) $(id).replaceChildren();
  $('out-did-you-mean').hidden = true;
  $('out-resent').hidden = true;
  $('outcome-body').hidden = true;
  $('outcome-empty').hidden = false;
  $('outcome-empty').textContent = why;
}

function render(response, body, decision, sent, note) {
  $('outcome-empty').hidden = true;
  $('outcome-body').hidden = false;
  $('out-resent').hidden = !note;
  $('out-resent').textContent = note ?? '';
  const code = body && typeof body === 'object' && body.error ? ` ${body.error.code}` : response.ok ? ' OK' : '';
  $('out-status').textContent = `${response.status}${code}`;
  const verdict = decision ? decision.decision : 'unknown';
  $('out-decision').textContent = decision ? verdict : '(no decision recorded)';
  $('out-decision').className = `verdict-${verdict}`;
  $('out-rule').textContent = decision?.rule ?? '— (no rule decided)';
  $('out-reason').textContent = decision?.reason ?? (verdict === 'allow' ? 'allowed' : '—');
  $('out-caller').textContent = decision?.caller ? `${decision.caller.subjectType} ${decision.caller.id}` : '—';
  $('out-request-id').textContent = response.headers.get('x-request-id') ?? '—';
  renderSent(decision?.sent ?? sent);
  renderDidYouMean(decision?.didYouMean, decision?.sent ?? sent);
  const obligations = decision?.described ?? [];
  $('out-obligations').replaceChildren(...(obligations.length ? obligations : ['none']).map((text) => el('li', { text })));
  renderTrace(decision);
  renderWix(decision?.wix ?? []);
  const items = response.ok ? itemsOf(body?.result) : undefined;
  $('out-items-title').hidden = $('out-items').hidden = !items;
  $('out-items').replaceChildren(
    ...(items ?? []).map((item) => {
      const label = item?.name ?? (item?.number ? `Order ${item.number}` : undefined) ?? item?._id ?? JSON.stringify(item);
      return el('li', { text: item?._id && label !== item._id ? `${label} (${item._id})` : String(label) });
    }),
  );
  $('out-body').textContent = pretty(body);
}

function renderSent(sent) {
  const box = $('out-sent');
  if (!sent) {
    box.textContent = '—';
    return;
  }
  if (sent.raw !== undefined) {
    box.textContent = `(not a JSON object) ${sent.raw}`;
    return;
  }
  const name = `${typeof sent.module === 'string' ? sent.module : json(sent.module)}.${typeof sent.method === 'string' ? sent.method : json(sent.method)}`;
  box.replaceChildren(el('code', { text: name }), ' ', el('code', { className: 'args', text: json(sent.args) }));
}

function renderDidYouMean(near, sent) {
  const box = $('out-did-you-mean');
  const candidates = [];
  if (near && (near.module || near.method)) {
    const module = near.module ?? (typeof sent?.module === 'string' ? sent.module : undefined);
    const method = near.method ?? (typeof sent?.method === 'string' ? sent.method : undefined);
    if (module && method) candidates.push(`${module}.${method}`);
  }
  if (near?.call && !candidates.includes(near.call)) candidates.push(near.call);
  if (!candidates.length) {
    box.replaceChildren();
    box.hidden = true;
    return;
  }
  const parts = ['Did you mean '];
  candidates.forEach((call, i) => {
    if (i > 0) parts.push(' or ');
    const button = el('button', { className: 'link', text: call, attrs: { type: 'button', 'aria-label': `Use ${call} in the form` } });
    button.addEventListener('click', () => {
      chooseCall(call);
      $('send').focus();
    });
    parts.push(button);
  });
  parts.push('?');
  box.replaceChildren(...parts, el('span', { className: 'help', text: ' (shown here only: the reply stays uniform)' }));
  box.hidden = false;
}

/** One list item per condition of a ConditionTrace, ✓ or ✗, with what was expected and found. */
function conditionItems(trace) {
  return trace.parts.map((part) => {
    const mark = part.holds ? '✓' : '✗';
    if ('path' in part) {
      const placeholder = typeof part.written === 'string' && part.written.includes('${') ? ` (${part.written})` : '';
      const actual = part.missing ? '(missing)' : json(part.actual);
      return el(
        'li',
        { className: part.holds ? 'holds' : 'fails', attrs: { 'data-holds': String(part.holds) } },
        el('span', { className: 'mark', text: mark, attrs: { 'aria-label': part.holds ? 'holds' : 'fails' } }),
        ' ',
        el('code', { text: part.path }),
        ` ${part.operator} `,
        el('code', { text: `${json(part.expected)}${placeholder}` }),
        ': actual ',
        el('code', { text: actual }),
      );
    }
    const branches = el(
      'ol',
      { className: 'branches' },
      ...part.branches.map((b, i) => el('li', { text: `[${i}] ${b.holds ? 'holds' : 'fails'}` }, el('ul', { className: 'conditions' }, ...conditionItems(b)))),
    );
    return el(
      'li',
      { className: part.holds ? 'holds' : 'fails', attrs: { 'data-holds': String(part.holds) } },
      el('span', { className: 'mark', text: mark, attrs: { 'aria-label': part.holds ? 'holds' : 'fails' } }),
      ` ${part.operator}`,
      branches,
    );
  });
}

function renderTrace(decision) {
  const box = $('out-trace');
  const trace = decision?.trace;
  if (!trace) {
    box.replaceChildren(el('p', { className: 'help', text: 'No trace: the request was refused before the policy weighed it (see the reason).' }));
    return;
  }
  const parts = [];
  const d = trace.decision ?? {};
  // The rules' verdict comes before the object and argument checks, which can still refuse an allowed call.
  const by = d.decidingRule ? `, by ${d.decidingRule.id}` : '';
  parts.push(el('p', { text: `The rules' verdict: ${d.effect ?? 'unknown'}${d.reason ? ` (${d.reason})` : ''}${by}, before the object and argument checks.` }));
  const resourceOf = new Map((trace.resource?.perRule ?? []).map((r) => [r.rule, r.trace]));
  if (!trace.considered.length) {
    parts.push(el('p', { text: 'No rule names this call: it is denied by default.' }));
  } else {
    const rules = el('ol', { className: 'rules' });
    for (const rule of trace.considered) {
      const applies = rule.heldRoles.length
        ? `applies to you (${rule.heldRoles.join(', ')})`
        : `does not apply to you (it names ${rule.roles.join(', ') || 'no role'})`;
      const item = el(
        'li',
        { className: rule.matched ? 'rule matched' : 'rule', attrs: { 'data-rule': rule.rule, 'data-matched': String(rule.matched) } },
        el('p', {}, el('strong', { text: rule.rule }), ` ${rule.effect}: ${applies}; ${rule.matched ? 'matched' : 'not matched'}`),
      );
      if (rule.when)
        item.append(
          el('p', { className: 'sub', text: `when (${rule.when.holds ? 'holds' : 'fails'}):` }),
          el('ul', { className: 'conditions' }, ...conditionItems(rule.when)),
        );
      const resource = resourceOf.get(rule.rule);
      if (resource) {
        item.append(
          el('p', { className: 'sub', text: `resource conditions on the object read (${resource.holds ? 'hold' : 'fail'}):` }),
          el('ul', { className: 'conditions' }, ...conditionItems(resource)),
        );
      }
      resourceOf.delete(rule.rule);
      rules.append(item);
    }
    parts.push(rules);
  }
  for (const [rule, resource] of resourceOf) {
    if (!resource) continue;
    parts.push(
      el('p', { className: 'sub', text: `${rule}: resource conditions (${resource.holds ? 'hold' : 'fail'}):` }),
      el('ul', { className: 'conditions' }, ...conditionItems(resource)),
    );
  }
  if (trace.resource) {
    parts.push(el('p', { text: `Resource check: ${trace.resource.passes ? 'passes' : 'fails'}.` }));
    if (trace.resource.fieldsRemoved?.length) parts.push(el('p', { text: `Fields removed before delivery: ${trace.resource.fieldsRemoved.join(', ')}` }));
  }
  if (trace.argumentsRefused) {
    const r = trace.argumentsRefused;
    parts.push(el('p', { className: 'error', text: `Arguments refused: ${r.status} ${r.code}: ${r.message}` }));
  }
  if (trace.obligations)
    parts.push(el('details', {}, el('summary', { text: 'Obligation plan' }), el('pre', { text: pretty(trace.obligations), attrs: { tabindex: 0 } })));
  box.replaceChildren(...parts);
}

function renderWix(exchanges) {
  $('out-wix-empty').hidden = exchanges.length > 0;
  $('out-wix').replaceChildren(
    ...exchanges.map((x) => {
      const details = el('details', {}, el('summary', { text: `${x.method} ${x.url} → ${x.status}${x.route ? ` (${x.route})` : ''}` }));
      // The caller's own token check is the same every time: closed; the calls that carry the policy's effect: open.
      details.open = x.route !== 'token-info' && !String(x.url).includes('/oauth2/token-info');
      details.append(
        el('p', { className: 'sub', text: 'Body sent' }),
        el('pre', { className: 'wix-body', text: x.body === undefined ? '(none)' : pretty(x.body), attrs: { tabindex: 0 } }),
      );
      if (x.response !== undefined)
        details.append(el('details', {}, el('summary', { text: 'Response' }), el('pre', { text: pretty(x.response), attrs: { tabindex: 0 } })));
      return el('li', { attrs: { 'data-route': x.route ?? '' } }, details);
    }),
  );
}

// ---------- sending ----------

async function send(event) {
  event?.preventDefault();
  const text = $('args').value;
  const read = readArgs(text);
  if (read.error) {
    clearOutcome('Nothing was sent: the arguments are not valid JSON.');
    showArgsError(read.error);
    $('args').focus();
    $('args').setSelectionRange(read.offset, read.offset);
    return;
  }
  showArgsError('');
  await post({ identityKey: identity().key, ...target(), args: read.args });
}

/** POSTs a call to the endpoint as a frontend would and shows the reply with its recorded decision. */
async function post(call, note) {
  lastCall = call;
  const who = identity(call.identityKey);
  const headers = { 'content-type': 'application/json' };
  if (who.token) headers.authorization = who.token;
  const sent = { module: call.module, method: call.method, args: call.args };
  const outcome = $('outcome');
  outcome.setAttribute('aria-busy', 'true');
  $('send').disabled = true;
  try {
    const response = await fetch(info.endpoint, { method: 'POST', headers, body: JSON.stringify(sent) });
    const text = await response.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    const requestId = response.headers.get('x-request-id');
    const found = requestId ? await fetch(`/_dev/decisions/${encodeURIComponent(requestId)}`, { cache: 'no-store' }) : undefined;
    render(response, body, found?.ok ? await found.json() : undefined, sent, note);
  } catch (error) {
    render(new Response(null, { status: 599 }), `The local server could not be reached: ${error.message}`, undefined, sent, note);
  } finally {
    outcome.setAttribute('aria-busy', 'false');
    $('send').disabled = false;
  }
}

// ---------- the policy editor ----------

const editor = {
  /** name → text as the page holds it (the draft being edited). */
  texts: new Map(),
  current: '',
  timer: undefined,
  /** Counts drafts posted; a reply to an older one is ignored. */
  seq: 0,
  inFlight: 0,
};

function setPolicyState(text, kind) {
  const state = $('policy-state');
  state.textContent = text;
  state.className = `state-${kind}`;
}

function showPolicyNotice(message) {
  $('policy-notice').textContent = message;
  $('policy-notice').hidden = !message;
}

function loadEditorFiles() {
  editor.texts = new Map(info.policy.files.map((f) => [f.name, f.text]));
  const select = $('policy-file');
  const names = [...editor.texts.keys()];
  select.replaceChildren(...names.map((n) => option(n, n)));
  editor.current = names.includes(editor.current) ? editor.current : (names[0] ?? '');
  select.value = editor.current;
  $('policy-editor').value = editor.texts.get(editor.current) ?? '';
}

/** "file:line:col error: message", as the server formats the errors of a build from disk. */
function parseFormatted(text) {
  const m = /^(.*?):(\d+):(\d+) (error|warning): ([\s\S]*)$/.exec(text);
  if (!m) return { severity: 'error', text };
  return { severity: m[4], name: m[1].split('/').pop(), line: Number(m[2]), column: Number(m[3]), message: m[5] };
}

function diagnosticItem(d) {
  const where = d.name && d.line ? `${d.name}:${d.line}:${d.column ?? 1}` : (d.name ?? '');
  const words = `${where ? `${where} ` : ''}${d.message ?? d.text ?? ''}`;
  if (!d.line) return el('li', { text: words });
  const button = el('button', { className: 'link diagnostic', text: words, attrs: { type: 'button' } });
  button.addEventListener('click', () => goToPosition(d.name, d.line, d.column ?? 1));
  return el('li', {}, button);
}

function showDiagnostics(diagnostics) {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const warnings = diagnostics.filter((d) => d.severity !== 'error');
  $('policy-errors').replaceChildren(...errors.map(diagnosticItem));
  $('policy-errors-empty').hidden = errors.length > 0;
  $('policy-warnings').replaceChildren(...warnings.map(diagnosticItem));
  $('policy-warnings').hidden = warnings.length === 0;
  $('policy-editor').setAttribute('aria-invalid', errors.length ? 'true' : 'false');
}

/** Moves the caret to a diagnostic's line and column (switching to its file). */
function goToPosition(name, line, column) {
  if (name && editor.texts.has(name) && name !== editor.current) {
    editor.texts.set(editor.current, $('policy-editor').value);
    editor.current = name;
    $('policy-file').value = name;
    $('policy-editor').value = editor.texts.get(name);
  }
  const area = $('policy-editor');
  const offset = offsetOf(area.value, line, column);
  area.focus();
  area.setSelectionRange(offset, offset);
  // Scroll the line into view: textareas do not always follow a caret set from script.
  const lineHeight = parseFloat(window.getComputedStyle(area).lineHeight) || 18;
  area.scrollTop = Math.max(0, (line - 3) * lineHeight);
}

const draftFiles = () => [...editor.texts].map(([name, text]) => ({ name, text }));

/** POSTs to an editor route with the start token; the reply's JSON (or a message) and status. */
async function editorRequest(action, body) {
  const response = await fetch(`/_dev/policy/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [info.editor.tokenHeader]: editorToken },
    body: JSON.stringify(body ?? {}),
  });
  let reply;
  try {
    reply = await response.json();
  } catch {
    reply = { error: `answered ${response.status}` };
  }
  return { status: response.status, reply };
}

/** What a 422 reply says: its error diagnostics, or else the reasons the built module did not load. */
function problemsOf(reply) {
  const diagnostics = reply.diagnostics ?? [];
  if (diagnostics.some((d) => d.severity === 'error')) return diagnostics;
  return [...diagnostics, ...(reply.errors ?? []).map(parseFormatted)];
}

async function afterPolicyChange(note) {
  await loadInfo();
  fillCalls();
  renderMatrix();
  if (lastCall) await post(lastCall, note);
}

function scheduleDraft() {
  editor.texts.set(editor.current, $('policy-editor').value);
  window.clearTimeout(editor.timer);
  setPolicyState('draft — compiling…', 'busy');
  editor.timer = setTimeout(postDraft, DRAFT_DELAY_MS);
}

async function postDraft() {
  editor.timer = undefined;
  const seq = ++editor.seq;
  editor.inFlight++;
  try {
    const { status, reply } = await editorRequest('draft', { files: draftFiles() });
    if (seq !== editor.seq || editor.timer) return; // a newer edit is on its way
    if (status === 200 && reply.ok) {
      showPolicyNotice('');
      showDiagnostics(reply.diagnostics ?? []);
      setPolicyState('draft — not saved', 'draft');
      await afterPolicyChange(`Sent again after the policy edit (draft digest ${String(reply.digest).slice(0, 19)}…).`);
    } else if (status === 422) {
      showPolicyNotice('');
      showDiagnostics(problemsOf(reply));
      setPolicyState('does not build', 'bad');
    } else {
      showPolicyNotice(`The draft was not applied: ${reply.error ?? `the server answered ${status}`}`);
      setPolicyState('not applied', 'bad');
    }
  } catch (error) {
    if (seq === editor.seq) showPolicyNotice(`The draft could not be sent: ${error.message}`);
  } finally {
    editor.inFlight--;
  }
}

async function savePolicy() {
  if (!editorToken) return;
  window.clearTimeout(editor.timer);
  editor.timer = undefined;
  editor.texts.set(editor.current, $('policy-editor').value);
  const seq = ++editor.seq;
  setPolicyState('saving…', 'busy');
  let status;
  let reply;
  try {
    ({ status, reply } = await editorRequest('save', { files: draftFiles() }));
  } catch (error) {
    showPolicyNotice(`Not saved: the local server could not be reached (${error.message})`);
    setPolicyState('not saved', 'bad');
    return;
  }
  if (seq !== editor.seq) return;
  if (status === 200 && reply.ok) {
    showPolicyNotice('');
    showDiagnostics(reply.diagnostics ?? []);
    setPolicyState('saved', 'saved');
    const saved = reply.saved?.length ? `saved ${reply.saved.join(', ')}` : 'saved (no file changed)';
    await afterPolicyChange(`Sent again after the policy was ${saved}.`);
  } else if (status === 422) {
    showPolicyNotice('');
    showDiagnostics(problemsOf(reply));
    setPolicyState('does not build', 'bad');
  } else {
    showPolicyNotice(`Not saved: ${reply.error ?? `the server answered ${status}`}`);
    setPolicyState('not saved', 'bad');
  }
}

async function discardDraft() {
  if (!editorToken) return;
  window.clearTimeout(editor.timer);
  editor.timer = undefined;
  const seq = ++editor.seq;
  let status;
  let reply;
  try {
    ({ status, reply } = await editorRequest('discard', {}));
  } catch (error) {
    showPolicyNotice(`Not discarded: the local server could not be reached (${error.message})`);
    return;
  }
  if (seq !== editor.seq) return;
  if (status !== 200) {
    showPolicyNotice(`Not discarded: ${reply.error ?? `the server answered ${status}`}`);
    return;
  }
  showPolicyNotice('');
  await loadInfo();
  loadEditorFiles();
  showDiagnostics((info.policy.errors ?? []).map(parseFormatted));
  setPolicyState(info.policy.errors.length ? 'does not build' : 'saved', info.policy.errors.length ? 'bad' : 'saved');
  fillCalls();
  renderMatrix();
  if (lastCall) await post(lastCall, 'Sent again after the draft was discarded (the files on disk serve).');
}

function setUpEditor() {
  loadEditorFiles();
  showDiagnostics((info.policy.errors ?? []).map(parseFormatted));
  if (info.policy.errors.length) setPolicyState('does not build', 'bad');
  else setPolicyState(info.policy.draft ? 'draft — not saved' : 'saved', info.policy.draft ? 'draft' : 'saved');
  const area = $('policy-editor');
  if (!editorToken) {
    area.readOnly = true;
    $('policy-save').disabled = true;
    $('policy-discard').disabled = true;
    const notice = $('policy-readonly');
    notice.textContent = `Read-only: editing the policy needs the start token; open the link \`elevate dev\` printed in its terminal (${window.location.origin}/#token=…) to edit it here.`;
    notice.hidden = false;
  }
  $('policy-file').addEventListener('change', () => {
    editor.texts.set(editor.current, area.value);
    editor.current = $('policy-file').value;
    area.value = editor.texts.get(editor.current) ?? '';
  });
  area.addEventListener('input', () => {
    if (editorToken) scheduleDraft();
  });
  area.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault();
      savePolicy();
    }
  });
  $('policy-save').addEventListener('click', savePolicy);
  $('policy-discard').addEventListener('click', discardDraft);
}

// ---------- the matrix ----------

function renderMatrix() {
  const table = $('matrix');
  const { columns, rows } = info.matrix;
  const head = el(
    'tr',
    {},
    el('th', { text: 'Call', attrs: { scope: 'col' } }),
    ...columns.map((c) =>
      el('th', { attrs: { scope: 'col' } }, el('span', { text: c.subjectType }), el('small', { text: c.roles.length ? c.roles.join(', ') : 'no role' })),
    ),
  );
  table.tHead.replaceChildren(head);
  table.tBodies[0].replaceChildren(
    ...rows.map((row) =>
      el(
        'tr',
        {},
        el('th', { text: row.call, attrs: { scope: 'row' } }),
        ...row.cells.map((cell, i) => {
          const who = columns[i]?.subjectType ?? '';
          const unless = cell.deniedWhen.length ? `; unless ${cell.deniedWhen.join(', ')} denies` : '';
          const td = el('td', { attrs: { 'data-verdict': cell.verdict } });
          if (cell.verdict === 'always') {
            td.title = `${who}: always, by ${cell.rules.join(', ')}${unless}`;
            td.append(el('span', { className: 'verdict', text: '✓', attrs: { 'aria-hidden': 'true' } }), el('span', { className: 'sr-only', text: 'always' }));
            td.append(el('small', { text: cell.rules.join(', ') }));
          } else if (cell.verdict === 'conditional') {
            td.title = `${who}: if the conditions of ${cell.rules.join(', ')} hold${unless}`;
            td.append(el('span', { className: 'verdict', text: 'if' }), el('small', { text: `${cell.rules.join(', ')}${unless}` }));
          } else {
            td.title = `${who}: never (no rule grants it)`;
            td.append(el('span', { className: 'verdict', text: '—', attrs: { 'aria-hidden': 'true' } }), el('span', { className: 'sr-only', text: 'never' }));
          }
          return td;
        }),
      ),
    ),
  );
}

// ---------- start ----------

async function start() {
  await loadInfo();
  fillIdentities();
  fillCalls();
  fillArgs();
  setUpEditor();
  renderMatrix();
  $('identity').addEventListener('change', () => {
    fillCalls();
    fillArgs();
  });
  $('call').addEventListener('change', () => {
    $('custom-call').hidden = $('call').value !== CUSTOM;
    fillArgs();
  });
  $('reset-args').addEventListener('click', fillArgs);
  $('call-form').addEventListener('submit', send);
  $('args').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) send(e);
  });
  // A policy changed on disk changes what is granted: refresh when the page comes back into view
  // (the editor's text too, unless an edit of its own is on its way).
  window.addEventListener('focus', () =>
    loadInfo()
      .then(() => {
        fillCalls();
        renderMatrix();
        const editing = editor.timer !== undefined || editor.inFlight > 0 || $('policy-state').className === 'state-bad';
        const same = info.policy.files.length === editor.texts.size && info.policy.files.every((f) => editor.texts.get(f.name) === f.text);
        if (!editing && !same) {
          loadEditorFiles();
          setPolicyState(info.policy.draft ? 'draft — not saved' : 'saved', info.policy.draft ? 'draft' : 'saved');
        }
      })
      .catch(() => {}),
  );
  document.body.dataset.ready = 'true';
}

start().catch((error) => {
  $('policy-status').textContent = `The playground could not start: ${error.message}`;
  $('policy-status').className = 'bad';
});
