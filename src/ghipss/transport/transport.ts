import { SikaError, type ErrorCode } from '../../errors.js';

/** A payment file ready to leave: written, hashed and with its signed manifest beside it. */
export interface OutgoingFile {
  path: string;
  fileName: string;
  messageId: string;
  format: string;
  mediaType: string;
  sha256: string;
  manifestPath: string;
}

/** The far side's receipt of a file. */
export interface Acknowledgement {
  messageId: string;
  /** SHA-256 of the bytes the far side holds, when it says. */
  sha256?: string;
  /** Where or under what the far side keeps it (a path, a URL). */
  reference?: string;
  /** True when the far side held the file before this send began (sent by an earlier run). */
  duplicate: boolean;
}

/** What the far side knows of a message id. */
export type FarSideStatus =
  | { known: false }
  | {
      known: true;
      sha256?: string;
      /** True once a status report (pain.002) can be fetched. */
      answered: boolean;
    };

/**
 * How payment files reach GhIPSS. send() returns only when the far side has acknowledged the
 * file; status() asks whether it holds a message, so an interrupted send can be resumed without
 * sending twice.
 */
export interface Transport {
  readonly name: string;
  send(file: OutgoingFile): Promise<Acknowledgement>;
  status(messageId: string): Promise<FarSideStatus>;
}

export type TransportFailure = 'unauthorized' | 'duplicate_message' | 'refused' | 'unavailable';

// `reason` tells the refusals apart; the code says whether trying again later can help.
const CODES: Record<TransportFailure, ErrorCode> = {
  unauthorized: 'TRANSPORT_REFUSED',
  duplicate_message: 'TRANSPORT_REFUSED',
  refused: 'TRANSPORT_REFUSED',
  unavailable: 'TRANSPORT_UNAVAILABLE',
};

/** A send that did not reach an acknowledgement; `reason` says whether retrying later can help. */
export class TransportError extends SikaError {
  constructor(
    readonly reason: TransportFailure,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(CODES[reason], message, { reason, ...details });
    this.name = 'TransportError';
  }

  get retryable(): boolean {
    return this.reason === 'unavailable';
  }
}
