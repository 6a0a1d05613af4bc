// What `elevate dev` prints first: where to go, who you can be, and one call to paste.
import { devIdentities } from '../playground/dev-identities.ts';

export function startBanner(
  url: string,
  policy: { dir: string; rules: number; digest: string; endpoint: string; editorUrl: string; endpointFile: string },
): string {
  const endpoint = `${url}${policy.endpoint}`;
  const m1 = devIdentities.find((i) => i.key === 'm-1')!;
  const lines = [
    `Elevation gateway, running locally: the app's own ${policy.endpointFile}, Wix emulated on this machine (no network, no Wix credentials).`,
    '',
    `  endpoint    POST ${endpoint}`,
    `  playground  ${policy.editorUrl}`,
    "              (the link carries this run's start token: the policy editor needs it; keep it to yourself)",
    `  policy      ${policy.dir}/ (${policy.rules} rule(s), digest ${policy.digest.slice(0, 19)}…), reloaded when it changes`,
    '',
    'Dev tokens (send one as the Authorization header):',
    ...devIdentities.filter((i) => i.token).map((i) => `  ${i.label.padEnd(28)} ${i.token}${i.orders.length ? `   orders ${i.orders.join(', ')}` : ''}`),
    '',
    'Try it (a member reads their own order; use "o-4", another member\'s, to see a 403):',
    `  curl -s -X POST ${endpoint} -H 'Authorization: ${m1.token}' -d '{"module":"ecom.orders","method":"getOrder","args":["o-1"]}'`,
    '',
    'Decisions are printed below, one line per request. Ctrl-C stops the server.',
  ];
  return lines.join('\n');
}
