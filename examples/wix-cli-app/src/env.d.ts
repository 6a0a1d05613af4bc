// `import.meta.env` (BASE_API_URL for frontends, APP_ID for the backend), typed by the Wix CLI for Apps.
/// <reference types="@wix/cli-app/client" />
