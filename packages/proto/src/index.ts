// The one definition of every payload that crosses Baton's public boundary: REST bodies, views and
// WebSocket events. Server, desk and widget all import from here; each topic lives in its own file.
export * from './constants.js';
export * from './errors.js';
export * from './conversation.js';
export * from './channel-api.js';
export * from './agents.js';
export * from './events.js';
export * from './settings.js';
export * from './views.js';
export * from './channels.js';
export * from './providers.js';
export * from './requests.js';
export * from './privacy.js';
export * from './attachments.js';
export * from './episodes.js';
export * from './contacts.js';
export * from './followups.js';
