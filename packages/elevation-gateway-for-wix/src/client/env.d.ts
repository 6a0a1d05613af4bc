// `import.meta.env.BASE_API_URL`, typed by the Wix CLI for Apps itself (it also pulls in vite/client).
/// <reference types="@wix/cli-app/client" />
