// pdfmake 0.3 ships no types and @types/pdfmake describes 0.2; this covers the part we use.
declare module 'pdfmake' {
  import type { Readable } from 'node:stream';

  interface FontFiles {
    normal: string;
    bold: string;
    italics: string;
    bolditalics: string;
  }

  interface OutputDocument {
    /** The pdfkit document: a Readable that must be `end()`ed after piping. */
    getStream(): Promise<Readable & { end(): void }>;
    getBuffer(): Promise<Buffer>;
    write(path: string): Promise<void>;
  }

  interface VirtualFileSystem {
    writeFileSync(filename: string, content: Buffer): void;
  }

  interface PdfMake {
    /** Files that font (and image) names resolve to before the local file system. */
    virtualfs: VirtualFileSystem;
    setFonts(fonts: Record<string, FontFiles>): void;
    setUrlAccessPolicy(callback: (url: string) => boolean): void;
    setLocalAccessPolicy(callback: (path: string) => boolean): void;
    createPdf(docDefinition: object, options?: object): OutputDocument;
  }

  const pdfmake: PdfMake;
  export = pdfmake;
}
