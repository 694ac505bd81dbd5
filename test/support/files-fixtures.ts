/** Fixture builders for the files e2e tests: test pictures made with sharp, uploads through tickets, claims through the harness. */
import sharp from 'sharp';
import { AssetNodeDocument, CreateUploadDocument, type CreateUploadMutation } from '../documents/graphql';
import type { SignedUpProfile } from './fixtures';
import { startHarness, type PaymentsHarness } from './payments-harness';
import type { TestApp } from './test-app';


/** A picture with structure (a gradient and a disc whose place depends on `seed`), so its dHash means something. */
export async function picture(width = 1200, height = 800, seed = 1): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  const [cx, cy, r] = [((seed * 0.37) % 1) * width, ((seed * 0.61) % 1) * height, Math.min(width, height) / 4];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inDisc = (x - cx) ** 2 + (y - cy) ** 2 < r * r;
      const offset = (y * width + x) * 3;
      pixels[offset] = inDisc ? 230 : (x * 255) / width;
      pixels[offset + 1] = inDisc ? 40 : (y * 255) / height;
      pixels[offset + 2] = inDisc ? 40 : 128;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** A picture that looks nothing like `picture()`: its gradient runs the other way, its disc is elsewhere. */
export async function otherPicture(width = 900, height = 600): Promise<Buffer> {
  return sharp(await picture(width, height, 7)).flop().png().toBuffer();
}

export const PDF_BYTES = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

export type Ticket = CreateUploadMutation['createUpload'];

export async function createUpload(app: TestApp, owner: SignedUpProfile, contentType: string, byteSize: number, filename = 'design.png'): Promise<Ticket> {
  const result = await app.gql(CreateUploadDocument, { input: { filename, contentType, byteSize } }, owner.token);
  if (result.errors) throw new Error(`createUpload failed: ${JSON.stringify(result.errors)}`);
  return result.data!.createUpload;
}

/** Sends `bytes` to the ticket's URL with its method and headers (or others, to test refusals). */
export function send(ticket: Pick<Ticket, 'uploadUrl' | 'method' | 'headers'>, bytes: Buffer, headers: Record<string, string> = {}, url = ticket.uploadUrl) {
  const ticketHeaders = Object.fromEntries(ticket.headers.map((header) => [header.name.toLowerCase(), header.value]));
  return fetch(url, { method: ticket.method, headers: { ...ticketHeaders, ...headers }, body: new Uint8Array(bytes) });
}

/** An asset of `owner` with `bytes` uploaded, declared as `contentType`. */
export async function uploaded(app: TestApp, owner: SignedUpProfile, bytes: Buffer, contentType: string): Promise<string> {
  const ticket = await createUpload(app, owner, contentType, bytes.length);
  const response = await send(ticket, bytes);
  if (response.status !== 200) throw new Error(`upload failed with ${response.status}: ${await response.text()}`);
  return ticket.assetId;
}

export const startFilesHarness = (app: TestApp): Promise<PaymentsHarness> => startHarness('files-harness', app);

export async function assetAsOwner(app: TestApp, owner: SignedUpProfile, id: string) {
  const result = await app.gql(AssetNodeDocument, { id }, owner.token);
  if (result.errors) throw new Error(`node failed: ${JSON.stringify(result.errors)}`);
  const asset = result.data?.node;
  if (!asset || !('url' in asset)) throw new Error(`node(${id}) is not an asset its owner can see`);
  return asset;
}
