/** Query parameters that are credentials: signed-link signatures, events and dashboard tokens, S3 presigning. */
const SECRET_PARAMETER = /^(signature|token|x-amz-.*)$/i;

const decodedKey = (pair: string): string => {
  const key = pair.split('=', 1)[0];
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
};

/** A URL as it may be logged: the credentials in its query string left out, everything else as it came. */
export function loggableUrl(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const kept = url
    .slice(query + 1)
    .split('&')
    .filter((pair) => !SECRET_PARAMETER.test(decodedKey(pair)));
  return kept.length > 0 ? `${url.slice(0, query)}?${kept.join('&')}` : url.slice(0, query);
}
