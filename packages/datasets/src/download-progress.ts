/** What a download reports as it goes (every downloader's `onProgress`). */
export interface DownloadProgress {
  /** The `.gz` name being fetched. */
  file: string;
  url: string;
  /** Bytes in the `.part` file so far, including any resumed prefix. */
  received: number;
  /** Full size when the server says; undefined otherwise. */
  total?: number;
}
