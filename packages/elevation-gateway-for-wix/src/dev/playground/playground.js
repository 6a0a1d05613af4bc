// The playground: pick who you are and a call, send it to the local POST /functions/elevate exactly
// as a frontend would (dev token as Authorization), then show the reply next to the decision the
// local server logged for that request id (GET /_dev/decisions/<id>).
const $ = (id) => document.getElementById(id);
const CUSTOM = '__custom__';
let info;

async function loadInfo() {
  const response = await fetch('/_dev/playground', { cache: 'no-store' });
  if (!response.ok) throw new Error(`GET /_dev/playground answered ${response.status}`);
  info = await response.json();
  const status = $('policy-status');
  if (info.policy.errors.length) {
    status.textContent = `The latest policy change does not build; still serving digest ${String(info.policy.digest).slice(0, 19)}…: ${info.policy.errors.join(' · ')}`;
    status.className = 'bad';
  } else {
    status.textContent = `Policy in ${info.policy.dir}/: ${info.policy.rules} rule(s), digest ${String(info.policy.digest).slice(0, 19)}…`;
    status.className = '';
  }
}

const identity = () => info.identities.find((i) => i.key === $('identity').value) ?? info.identities[0];

function option(value, text, title) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = text;
  if (title) o.title = title;
  return o;
}

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
  const groups = [];
  const allowed = document.createElement('optgroup');
  allowed.label = `Permitted for ${who.label}`;
  for (const c of permitted) allowed.append(option(c.call, c.call, c.rules.map((r) => `${r.id}: ${r.description}`).join('\n')));
  if (!permitted.length) allowed.append(Object.assign(option('', '(none)'), { disabled: true }));
  groups.push(allowed);
  const others = info.calls.allCalls.filter((c) => !granted.has(c));
  if (others.length) {
    const denied = document.createElement('optgroup');
    denied.label = 'Not granted to you (expect a denial)';
    for (const c of others) denied.append(option(c, c));
    groups.push(denied);
  }
  const custom = document.createElement('optgroup');
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
  const el = $('args-error');
  el.textContent = message;
  el.hidden = !message;
  $('args').setAttribute('aria-invalid', message ? 'true' : 'false');
}

function target() {
  const call = $('call').value;
  if (call === CUSTOM) return { module: $('module').value.trim(), method: $('method').value.trim() };
  const dot = call.lastIndexOf('.');
  return { module: call.slice(0, dot), method: call.slice(dot + 1) };
}

function itemsOf(result) {
  if (!result || typeof result !== 'object') return undefined;
  for (const value of Object.values(result)) if (Array.isArray(value)) return value;
  return undefined;
}

function render(response, body, decision) {
  $('outcome-empty').hidden = true;
  $('outcome-body').hidden = false;
  const code = body && typeof body === 'object' && body.error ? ` ${body.error.code}` : response.ok ? ' OK' : '';
  $('out-status').textContent = `${response.status}${code}`;
  const verdict = decision ? decision.decision : 'unknown';
  $('out-decision').textContent = decision ? verdict : '(no decision recorded)';
  $('out-decision').className = `verdict-${verdict}`;
  $('out-rule').textContent = decision?.rule ?? '— (no rule decided)';
  $('out-reason').textContent = decision?.reason ?? (verdict === 'allow' ? 'allowed' : '—');
  $('out-caller').textContent = decision?.caller ? `${decision.caller.subjectType} ${decision.caller.id}` : '—';
  $('out-request-id').textContent = response.headers.get('x-request-id') ?? '—';
  const obligations = decision?.described ?? [];
  $('out-obligations').replaceChildren(
    ...(obligations.length ? obligations : ['none']).map((text) => Object.assign(document.createElement('li'), { textContent: text })),
  );
  const items = response.ok ? itemsOf(body?.result) : undefined;
  $('out-items-title').hidden = $('out-items').hidden = !items;
  $('out-items').replaceChildren(
    ...(items ?? []).map((item) => {
      const label = item?.name ?? (item?.number ? `Order ${item.number}` : undefined) ?? item?._id ?? JSON.stringify(item);
      return Object.assign(document.createElement('li'), { textContent: item?._id && label !== item._id ? `${label} (${item._id})` : String(label) });
    }),
  );
  $('out-body').textContent = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
}

async function send(event) {
  event?.preventDefault();
  let args;
  try {
    args = JSON.parse($('args').value || '[]');
    if (!Array.isArray(args)) throw new Error('the arguments must be a JSON array, e.g. ["o-1"]');
  } catch (error) {
    showArgsError(`Arguments: ${error.message}`);
    $('args').focus();
    return;
  }
  showArgsError('');
  const who = identity();
  const headers = { 'content-type': 'application/json' };
  if (who.token) headers.authorization = who.token;
  const outcome = $('outcome');
  outcome.setAttribute('aria-busy', 'true');
  $('send').disabled = true;
  try {
    const response = await fetch('/functions/elevate', { method: 'POST', headers, body: JSON.stringify({ ...target(), args }) });
    const text = await response.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    const requestId = response.headers.get('x-request-id');
    const found = requestId ? await fetch(`/_dev/decisions/${encodeURIComponent(requestId)}`, { cache: 'no-store' }) : undefined;
    render(response, body, found?.ok ? await found.json() : undefined);
  } catch (error) {
    render(new Response(null, { status: 599 }), `The local server could not be reached: ${error.message}`, undefined);
  } finally {
    outcome.setAttribute('aria-busy', 'false');
    $('send').disabled = false;
  }
}

async function start() {
  await loadInfo();
  fillIdentities();
  fillCalls();
  fillArgs();
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
  // A policy reload changes what is granted: refresh when the page comes back into view.
  window.addEventListener('focus', () =>
    loadInfo()
      .then(() => {
        fillCalls();
      })
      .catch(() => {}),
  );
  document.body.dataset.ready = 'true';
}

start().catch((error) => {
  $('policy-status').textContent = `The playground could not start: ${error.message}`;
  $('policy-status').className = 'bad';
});
