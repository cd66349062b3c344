/**
 * Child process that lays out and draws chunks of one PDF export with pdfmake. pdfmake holds a
 * whole document in memory (~55 KB a row) and blocks for seconds, so it runs here, not in the
 * worker, and only a chunk of rows at a time. Protocol (see pdf/protocol.ts): `start`, every row,
 * then `chunk` requests, each answered by `laidOut` (as soon as the pages are known) and
 * `rendered` (the chunk's PDF). It exits when the writer disconnects. Any failure goes to stderr
 * and the process exits 1.
 */
import pdfmake from 'pdfmake';
import { tableFonts } from './fonts';
import { chunkBoundary, PdfTable } from './layout';
import { fail, peakRssKb } from './protocol';
import type { RenderReply, RenderRequest } from './protocol';

function reply(message: RenderReply): void {
  process.send?.(message);
}

/** Thrown from inside pdfmake's layout to skip drawing a chunk that has to be laid out again. */
class TooShort extends Error {}

async function renderChunk(table: PdfTable, index: number, start: number, rows: number): Promise<void> {
  for (let limit = rows; ; limit *= 2) {
    const end = table.chunkEnd(start, limit);
    const final = end >= table.rowCount;
    let kept: number | undefined;
    const definition = table.chunk(index, start, end, (pages, rowPages) => {
      const boundary = final ? { pages, carry: end - start } : chunkBoundary(rowPages, pages);
      if (!boundary) throw new TooShort();
      kept = boundary.pages;
      // Sent from inside pdfmake's synchronous run: the IPC write goes out at once, so the other
      // renderer starts on the next chunk while this one draws.
      reply({ type: 'laidOut', index, pages: boundary.pages, next: start + boundary.carry });
    });
    try {
      const pdf = await pdfmake.createPdf(definition).getBuffer();
      if (kept === undefined) throw new Error(`chunk ${index} was drawn without being laid out`);
      reply({ type: 'rendered', index, pages: kept, pdf, peakRssKb: peakRssKb() });
      return;
    } catch (error) {
      if (!(error instanceof TooShort)) throw error;
    }
  }
}

function main(): void {
  const fonts = tableFonts();
  for (const [name, content] of Object.entries(fonts.files)) pdfmake.virtualfs.writeFileSync(name, content);
  pdfmake.setFonts({ Roboto: fonts.family });
  // Fonts come from the virtual file system: nothing is fetched or read from disk.
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy(() => false);

  let table: PdfTable | undefined;
  // Chunks are drawn one after another, never two at once (memory).
  let queue = Promise.resolve();
  process.on('message', (message: RenderRequest) => {
    try {
      switch (message.type) {
        case 'start':
          table = new PdfTable(message.document, fonts);
          break;
        case 'rows':
          if (!table) throw new Error('rows before start');
          table.add(message.rows);
          break;
        case 'chunk': {
          const started = table;
          if (!started) throw new Error('chunk before start');
          const { index, start, rows } = message;
          queue = queue.then(() => renderChunk(started, index, start, rows)).catch(fail);
          break;
        }
      }
    } catch (error) {
      fail(error);
    }
  });
  process.on('disconnect', () => process.exit());
}

if (require.main === module) main();
