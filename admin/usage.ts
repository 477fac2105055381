/** How a person runs the admin CLI: every hint that suggests a command starts with it, so it can be pasted. */
export const ADMIN = 'npm run admin --';

/** The admin CLI's help text, in one place. */
export const USAGE = `Usage: ${ADMIN} <command>

Commands:
  profile add <name> --client-id <id> [--client-secret-file <path>]
              --authorization-url <url> --token-url <url> --refresh-token-url <url>
              [--scopes "<space-separated scopes>"]
                      Add a custom OAuth profile (the secret is stored encrypted).
                      The client secret is read from --client-secret-file, or else
                      typed at a prompt (not shown) or piped as the first line of
                      standard input: printf '%s\\n' "$SECRET" | ${ADMIN} profile add ...
                      (--client-secret <secret> still works but shows the secret to
                      other users in the process list and shell history.)
                      Its API gateway is the system app's (ATLASSIAN_API_URL, or the sandbox).
  profile list        List custom profiles (never their secrets).
  profile remove <name>
                      Remove a custom profile and the tokens stored for it.
  use <system|profile-name> --mode <user|preauthorized>
                      Choose the active authorization; the running bot applies it at once.
  authorize           Print the link that pre-authorizes the shared connection
                      (preauthorized mode). After approving, the Connected page shows
                      a 6-digit code: type it at the prompt, or run
                      ${ADMIN} confirm <code>
                      It warns when no bot answers at PUBLIC_URL/healthz.
  confirm <code>      Confirm a pre-authorization with the code from the Connected page
                      (works once, for 5 minutes, 3 attempts).
  status              Show the active type, mode and profile, and the shared token's sites.
  test [profile]      Test a profile (default: the active one; "system" is the app from
                      the environment), like Kore.ai's Test button: its authorization URL
                      (client id, callback URL), token URL (client id and secret), scopes
                      and, with a stored shared token, its sites and one Confluence call.
                      Prints ✓/✗ per check and what to do; exit code 1 if any failed.
  help                Show this text.

Profile names: 1 to 64 letters, digits, "_" or "-"; "system" is the app from the environment.
`;
