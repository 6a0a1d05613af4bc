// A control endpoint off the gateway's route: the integration's middleware lets it through, so
// @wix/astro's own middleware decides what happens before it (the test shows what that is).
import type { APIRoute } from 'astro';

export const prerender = false;

export const POST: APIRoute = () => new Response('reached the handler', { status: 200 });
