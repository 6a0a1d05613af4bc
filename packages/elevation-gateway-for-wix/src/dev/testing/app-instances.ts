// An emulated Wix where the app is installed on more instances than the emulator's one
// (INSTANCE_ID): per extra instance a visitor token and an app token, and `/oauth2/token`
// answering the client_credentials grant for it with the app's secret (anything else is the
// emulator's own answer: a wrong secret 401, an unknown instance 400). Test support only.
import { APP_ID, DEV_APP_SECRET, INSTANCE_ID, createWixEmulator, devTokens, type WixEmulator, type WixEmulatorOptions } from '../emulator/index.ts';

export interface AppInstancesWix {
  emulator: WixEmulator;
  /** instance id → a visitor token of that instance (INSTANCE_ID's is devTokens.visitor). */
  visitors: Record<string, string>;
  /** instance id → the app token `/oauth2/token` hands out for it (INSTANCE_ID's is devTokens.app). */
  appTokens: Record<string, string>;
  /** How many client_credentials exchanges reached Wix for an instance. */
  exchanges(instanceId: string): number;
}

export function createAppInstancesWix(extra: readonly string[], options: WixEmulatorOptions = {}): AppInstancesWix {
  const visitors: Record<string, string> = { [INSTANCE_ID]: devTokens.visitor };
  const appTokens: Record<string, string> = { [INSTANCE_ID]: devTokens.app };
  const tokens: WixEmulatorOptions['tokens'] = { ...options.tokens };
  for (const id of extra) {
    visitors[id] = `dev-visitor-token-${id}`;
    appTokens[id] = `dev-app-token-${id}`;
    tokens[visitors[id]] = { subjectType: 'VISITOR', subjectId: `v-${id}`, instanceId: id };
    tokens[appTokens[id]] = { subjectType: 'APP', subjectId: APP_ID, instanceId: id };
  }
  const grant = (body: unknown) => (body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {});
  const emulator = createWixEmulator({
    ...options,
    tokens,
    fault: (route, request) => {
      const b = grant(request.body);
      const served = route === 'token' && b.grant_type === 'client_credentials' && b.client_id === APP_ID && b.client_secret === DEV_APP_SECRET;
      if (served && typeof b.instance_id === 'string' && extra.includes(b.instance_id)) {
        return Response.json({ access_token: appTokens[b.instance_id], token_type: 'Bearer', expires_in: 14400 });
      }
      return options.fault?.(route, request);
    },
  });
  const exchanges = (instanceId: string) => emulator.requests.filter((r) => r.route === 'token' && grant(r.body).instance_id === instanceId).length;
  return { emulator, visitors, appTokens, exchanges };
}
