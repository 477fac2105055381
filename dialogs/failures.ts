/**
 * The failures a conversation tells the user about, in one place: dialogs import them from here rather than from
 * the services' internals, so a service can move its errors without touching every dialog.
 */
export { AuthConfigurationError } from '../services/auth/authService.js';
export { OAuthUnavailableError } from '../services/auth/oauthClient.js';
export { ConfluenceError, type ConfluenceErrorKind } from '../services/confluence/errors.js';
export { MissingPermissionError, NotConnectedError } from './confluenceAccess.js';
