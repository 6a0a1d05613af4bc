// The elevation gateway's Wix endpoint, served at `${import.meta.env.BASE_API_URL}/elevate`.
// A thin adapter: the Wix runtime hands us a Request in the caller's context, the core answers.
import { createGateway } from '../../../gateway/gateway';
import { createIdentityCache } from '../../../gateway/identity-cache';
// The app's obligation kinds, registered before the policy that uses them is loaded.
import '../../../obligations';

const gateway = createGateway({
  // Defined by Wix's runtime for the app's backend: a token issued for another app is refused. Without
  // it createGateway refuses to start, and so does this endpoint.
  appId: import.meta.env.APP_ID,
  policy: () => import('../../../generated/policy'),
  // token-info answers are kept ≤ 60 s and never past the token's exp (see identity-cache.ts).
  identityCache: createIdentityCache(),
});

export async function POST(req: Request): Promise<Response> {
  return gateway.handle(req);
}
