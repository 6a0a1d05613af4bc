// The elevation gateway's endpoint, served at `${import.meta.env.BASE_API_URL}/elevate` (written by
// `elevate init`). Wix's runtime hands it the request in the caller's context; the gateway decides
// from the verified token and the policy in policies/, compiled into src/generated/policy.ts.
import { elevationEndpoint } from 'elevation-gateway-for-wix/wix-cli-app';
// The app's obligation kinds, registered before the policy that uses them is loaded.
import '../../../obligations';

const endpoint = elevationEndpoint({
  // Defined by Wix's runtime for the app's backend: a token issued for another app is refused.
  appId: import.meta.env.APP_ID,
  policy: () => import('../../../generated/policy'),
});

export async function POST(req: Request): Promise<Response> {
  return endpoint.POST(req);
}
