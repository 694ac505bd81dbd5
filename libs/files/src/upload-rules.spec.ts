import { MAX_DOCUMENT_BYTES, MAX_IMAGE_BYTES, dimensionsProblem, purposeProblem, uploadProblems } from './upload-rules';

describe('uploadProblems', () => {
  it.each([
    ['image/png', 1],
    ['image/jpeg', MAX_IMAGE_BYTES],
    ['image/webp', 5000],
    ['application/pdf', MAX_DOCUMENT_BYTES],
    ['application/zip', MAX_IMAGE_BYTES + 1],
  ])('accepts %s of %d bytes', (contentType, byteSize) => {
    expect(uploadProblems({ contentType, byteSize })).toEqual([]);
  });

  it.each(['image/gif', 'image/svg+xml', 'text/html', 'IMAGE/PNG', ''])('refuses the type %j', (contentType) => {
    expect(uploadProblems({ contentType, byteSize: 10 })).toEqual([{ path: 'contentType', message: expect.stringContaining('image/png') }]);
  });

  it.each([
    ['image/png', 0],
    ['image/png', -5],
    ['image/png', MAX_IMAGE_BYTES + 1],
    ['application/pdf', MAX_DOCUMENT_BYTES + 1],
    ['application/zip', 1.5],
  ])('refuses %s of %d bytes', (contentType, byteSize) => {
    expect(uploadProblems({ contentType, byteSize })).toEqual([{ path: 'byteSize', message: expect.stringMatching(/must be from 1 to \d+ bytes/) }]);
  });
});

describe('purposeProblem', () => {
  it('takes images for entries and documents for handovers, not the reverse', () => {
    expect(purposeProblem('ENTRY_IMAGE', 'image/webp', 100)).toBeNull();
    expect(purposeProblem('HANDOVER_FILE', 'application/zip', MAX_DOCUMENT_BYTES)).toBeNull();
    expect(purposeProblem('ENTRY_IMAGE', 'application/pdf', 100)).toMatch(/ENTRY_IMAGE takes image\/png, image\/jpeg, image\/webp/);
    expect(purposeProblem('HANDOVER_FILE', 'image/png', 100)).toMatch(/HANDOVER_FILE takes application\/pdf, application\/zip/);
  });

  it('refuses an image over 20 MB', () => {
    expect(purposeProblem('ENTRY_IMAGE', 'image/png', MAX_IMAGE_BYTES + 1)).toMatch(/more than the 20 MB/);
  });
});

describe('dimensionsProblem', () => {
  it('allows up to 8000 pixels a side', () => {
    expect(dimensionsProblem(8000, 8000)).toBeNull();
    expect(dimensionsProblem(8001, 10)).toMatch(/8001x10 pixels, more than 8000x8000/);
    expect(dimensionsProblem(10, 8001)).not.toBeNull();
  });
});
