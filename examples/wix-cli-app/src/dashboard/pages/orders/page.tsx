// An example dashboard page: it lists the site's orders through the elevation gateway. The call
// is typed by the SDK (`searchOrders`'s own argument and result types) and only compiles because
// the policy grants it (rule `dashboard-searches-orders`, for Wix users). Plain React: no design
// system, so the example stays about the client.
import React, { useCallback, useEffect, useState, type FC } from 'react';
import { createElevateClient, ElevateError, type CallResult } from 'elevation-gateway-for-wix/client';
import type { PermittedCalls } from '../../../generated/policy';

type Orders = NonNullable<CallResult<PermittedCalls, 'ecom.orders.searchOrders'>['orders']>;

// BASE_API_URL: the app's backend base URL, which the Wix CLI defines for its frontends.
const elevate = createElevateClient<PermittedCalls>({ baseUrl: import.meta.env.BASE_API_URL });
const PAGE_SIZE = 20;

const OrdersPage: FC = () => {
  const [orders, setOrders] = useState<Orders>([]);
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);

  const load = useCallback(async () => {
    setLoading(true);
    setError(undefined);
    try {
      const reply = await elevate.api.ecom.orders.searchOrders({
        sort: [{ fieldName: '_createdDate', order: 'DESC' }],
        cursorPaging: { limit: PAGE_SIZE },
      });
      setOrders(reply.orders ?? []);
    } catch (e) {
      // ElevateError: one class for every failure, with the gateway's code and the request id to quote.
      setError(e instanceof ElevateError ? `${e.code} (${e.status}): ${e.message} [request ${e.requestId ?? 'n/a'}]` : String(e));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <main style={{ padding: 24, fontFamily: 'system-ui, sans-serif' }}>
      <h1>Orders</h1>
      <p>The latest {PAGE_SIZE} orders, read through the elevation gateway.</p>
      <button type="button" onClick={() => void load()} disabled={loading}>
        Reload
      </button>
      <div aria-live="polite">
        {loading && <p>Loading…</p>}
        {error && <p role="alert">{error}</p>}
        {!loading && !error && orders.length === 0 && <p>No orders yet.</p>}
      </div>
      {orders.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Number</th>
              <th scope="col">Created</th>
              <th scope="col">Buyer</th>
              <th scope="col">Fulfillment</th>
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {orders.map((order) => (
              <tr key={order._id ?? order.number}>
                <td>{order.number}</td>
                {/* Dates arrive as ISO strings (the client's types say so). */}
                <td>{order._createdDate ? new Date(order._createdDate).toLocaleString() : ''}</td>
                <td>{order.buyerInfo?.email ?? order.buyerInfo?.memberId ?? 'guest'}</td>
                <td>{order.fulfillmentStatus}</td>
                <td>{order.priceSummary?.total?.formattedAmount ?? order.priceSummary?.total?.amount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
};

export default OrdersPage;
