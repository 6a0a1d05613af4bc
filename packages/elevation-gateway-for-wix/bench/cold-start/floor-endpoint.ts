// The floor of the cold-start comparison: an endpoint that answers 200 at once, reading nothing and
// calling no one. Its time is the harness's own share (Node's start, undici, the emulator, the
// runtime stand-in), which every endpoint pays; no endpoint that checks anything can start faster.
export async function POST(): Promise<Response> {
  return new Response('{"result":null}', { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' } });
}
