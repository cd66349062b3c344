/**
 * Child process that joins the chunks of one PDF export (see protocol.ts) into one document with
 * pdf-lib, draws "Page x of y" on every page once the total is known, and writes the PDF to the
 * file descriptor named by argv[2]. `done` reports the page count and peak RSS, then it disconnects
 * and exits (as it does if the writer goes away). Any failure goes to stderr and it exits 1.
 */
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { degrees, drawText, ParseSpeeds, PDFContentStream, PDFDocument, PDFName, rgb, StandardFonts } from 'pdf-lib';
import type { PDFFont } from 'pdf-lib';
import { FONT_SIZE, FOOTER } from './layout';
import { fail, peakRssKb } from './protocol';
import type { AssembleDone, AssembleRequest } from './protocol';

interface Chunk {
  pages: number;
  pdf: Uint8Array;
}

class Assembly {
  private readonly document = PDFDocument.create({ updateMetadata: false });
  private readonly waiting = new Map<number, Chunk>();
  private next = 0;
  private chunks?: number;
  private pages?: number;
  private numbered = 0;
  private font?: PDFFont;
  private done = false;
  /** Chunks are copied in order, one at a time. */
  private work = Promise.resolve();

  constructor(
    private readonly title: string,
    private readonly fd: number,
  ) {}

  add(index: number, chunk: Chunk): void {
    this.waiting.set(index, chunk);
    this.schedule();
  }

  end(chunks: number, pages: number): void {
    this.chunks = chunks;
    this.pages = pages;
    this.schedule();
  }

  private schedule(): void {
    this.work = this.work.then(() => this.drain()).catch(fail);
  }

  private async drain(): Promise<void> {
    const document = await this.document;
    for (let chunk = this.waiting.get(this.next); chunk; chunk = this.waiting.get(this.next)) {
      this.waiting.delete(this.next++);
      const source = await PDFDocument.load(chunk.pdf, { parseSpeed: ParseSpeeds.Fastest, updateMetadata: false });
      const pages = await document.copyPages(
        source,
        Array.from({ length: chunk.pages }, (_page, index) => index),
      );
      for (const page of pages) document.addPage(page);
    }
    if (this.pages !== undefined) await this.numberPages(document, this.pages);
    if (!this.done && this.next === this.chunks) {
      this.done = true;
      await this.finish(document);
    }
  }

  /** Draws "Page x of total" on the pages that have none yet. */
  private async numberPages(document: PDFDocument, total: number): Promise<void> {
    // A standard font: nothing to embed, and the footer is plain ASCII.
    const font = (this.font ??= await document.embedFont(StandardFonts.Helvetica));
    const fontName = PDFName.of('PageNumberFont');
    const pages = document.getPages();
    for (; this.numbered < pages.length; this.numbered++) {
      const page = pages[this.numbered];
      const text = `Page ${this.numbered + 1} of ${total}`;
      const operators = drawText(font.encodeText(text), {
        color: rgb(0, 0, 0),
        font: fontName,
        size: FONT_SIZE,
        rotate: degrees(0),
        xSkew: degrees(0),
        ySkew: degrees(0),
        x: FOOTER.right - font.widthOfTextAtSize(text, FONT_SIZE),
        y: FOOTER.baseline,
      });
      // Also wraps the page's own content in q/Q, so the footer starts from the default state.
      page.node.setFontDictionary(fontName, font.ref);
      // Left uncompressed (page.drawText would deflate each ~60-byte stream, ~0.1 s per 500 pages).
      page.node.addContentStream(document.context.register(PDFContentStream.of(document.context.obj({}), operators, false)));
    }
  }

  private async finish(document: PDFDocument): Promise<void> {
    const pages = document.getPageCount();
    if (pages !== this.pages) throw new Error(`The chunks have ${pages} pages, not the ${String(this.pages)} they were laid out on`);
    document.setTitle(this.title);
    document.setCreator('Exports');
    document.setProducer('Exports');
    document.setCreationDate(new Date());
    const bytes = await document.save({ useObjectStreams: false, objectsPerTick: Number.POSITIVE_INFINITY });
    const out = createWriteStream('', { fd: this.fd });
    out.end(bytes);
    await finished(out);
    const done: AssembleDone = { type: 'done', pages, peakRssKb: peakRssKb() };
    process.send?.(done, () => process.disconnect());
  }
}

function main(): void {
  const fd = Number(process.argv[2]);
  if (!Number.isInteger(fd) || fd < 3) fail(new Error(`usage: ${process.argv[1]} <output fd>`));
  let assembly: Assembly | undefined;
  process.on('message', (message: AssembleRequest) => {
    try {
      switch (message.type) {
        case 'start':
          assembly = new Assembly(message.title, fd);
          break;
        case 'chunk':
          if (!assembly) throw new Error('chunk before start');
          assembly.add(message.index, { pages: message.pages, pdf: message.pdf });
          break;
        case 'end':
          if (!assembly) throw new Error('end before start');
          assembly.end(message.chunks, message.pages);
          break;
      }
    } catch (error) {
      fail(error);
    }
  });
  // Also after `done`: the writer went away or has everything, so nothing is left to do.
  process.on('disconnect', () => process.exit());
}

if (require.main === module) main();
