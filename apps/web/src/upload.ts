/** Sends a file's bytes to an upload ticket's URL with its method and headers, reporting progress (0 to 1). */
export interface Ticket {
  uploadUrl: string;
  method: string;
  headers: { name: string; value: string }[];
}

export function sendToTicket(ticket: Ticket, file: Blob, onProgress: (fraction: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(ticket.method, ticket.uploadUrl);
    for (const header of ticket.headers) {
      // The browser sets these itself and refuses to be told.
      if (!['content-length', 'host'].includes(header.name.toLowerCase())) request.setRequestHeader(header.name, header.value);
    }
    request.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    request.onload = () => (request.status >= 200 && request.status < 300 ? (onProgress(1), resolve()) : reject(new Error(`The upload was refused (${request.status}).`)));
    request.onerror = () => reject(new Error('The upload did not reach the server.'));
    request.send(file);
  });
}
