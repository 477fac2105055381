/** The admin CLI's help text, in one place. */
export const USAGE = `Usage: npm run admin -- <command>

Commands:
  profile add <name> --client-id <id> --client-secret <secret>
              --authorization-url <url> --token-url <url> --refresh-token-url <url>
              [--scopes "<space-separated scopes>"]
                      Add a custom OAuth profile (the secret is stored encrypted).
                      Its API gateway is the system app's (ATLASSIAN_API_URL, or the sandbox).
  profile list        List custom profiles (never their secrets).
  profile remove <name>
                      Remove a custom profile and the tokens stored for it.
  use <system|profile-name> --mode <user|preauthorized>
                      Choose the active authorization; the running bot applies it at once.
  authorize           Print the link that pre-authorizes the shared connection
                      (preauthorized mode); the running bot completes it.
  status              Show the active type, mode and profile, and the shared token's sites.
  help                Show this text.

Profile names: 1 to 64 letters, digits, "_" or "-"; "system" is the app from the environment.
`;
