// The cases of the whole-request benchmark (whole-request.ts, run in whole-request-child.ts): one
// call each, with the caller's dev token and the status both endpoints must answer.
import { devTokens } from '../src/dev/emulator/tokens.ts';
import type { SideBySide } from './measure.ts';

export interface RequestCase {
  name: string;
  label: string;
  token: string;
  body: { module: string; method: string; args: unknown[] };
  status: number;
}

export const CASES: RequestCase[] = [
  {
    name: 'list',
    label: 'visitor lists products (10 per page)',
    token: devTokens.visitor,
    body: { module: 'stores.productsV3', method: 'queryProducts', args: [{ cursorPaging: { limit: 10 } }] },
    status: 200,
  },
  {
    name: 'denied',
    label: 'visitor asks for an order (denied)',
    token: devTokens.visitor,
    body: { module: 'ecom.orders', method: 'getOrder', args: ['o-1'] },
    status: 403,
  },
  {
    name: 'own_read',
    label: 'member reads own order',
    token: devTokens.members['m-1'],
    body: { module: 'ecom.orders', method: 'getOrder', args: ['o-1'] },
    status: 200,
  },
  {
    name: 'own_search',
    label: 'member searches own orders (10 per page)',
    token: devTokens.members['m-1'],
    body: { module: 'ecom.orders', method: 'searchOrders', args: [{ cursorPaging: { limit: 10 } }] },
    status: 200,
  },
];

export interface CaseResult extends SideBySide {
  name: string;
  latencyMs: number;
  gatewayRequests: number;
}
