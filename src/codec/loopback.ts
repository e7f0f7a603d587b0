/** A URL host on this machine only (`localhost`, 127.x.x.x, `[::1]`): plain http there sends nothing over a network. */
export const isLoopbackHost = (hostname: string): boolean => /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/.test(hostname);
