// Plain values shared by server and clients, without zod: a client that needs only these (the desk
// needs the secret mask) imports '@baton/proto/constants' and does not bundle the schemas.
export const MAX_TEXT_LENGTH = 4000;
export const LANGUAGES = ['en', 'nl', 'fr'] as const;
/** what the API shows instead of a stored secret; sending it back keeps the secret */
export const SECRET_MASK = '********';
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
