// The elevation gateway's Wix endpoint, served at `${import.meta.env.BASE_API_URL}/elevate`.
// A thin adapter: the Wix runtime hands us a Request in the caller's context, the core answers.
import { createGateway } from '../../../gateway/gateway';

const gateway = createGateway({ policy: () => import('../../../generated/policy') });

export async function POST(req: Request): Promise<Response> {
  return gateway.handle(req);
}
