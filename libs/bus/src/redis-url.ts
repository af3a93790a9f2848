/** Hides a password in a redis:// URL before it is shown anywhere. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}
