export { paymentFileIds, remittanceText, CHANNELS, type Channel } from './file-names.js';
export {
  writePain001,
  writePain001File,
  PAIN001_V03,
  PAIN001_V09,
  type Pain001Dialect,
  type Pain001Header,
  type PaymentLine,
  type PaymentLines,
} from './pain001-writer.js';
export {
  PAYMENT_FORMATS,
  PAIN001_V03_FORMAT,
  PAIN001_V09_FORMAT,
  formatsByChannel,
  paymentFormat,
  type PaymentFileHeader,
  type PaymentFormat,
} from './formats/payment-format.js';
export { EZWICH_CSV, MOMO_CSV } from './formats/csv-bulk.js';
export {
  canonicalManifest,
  verifyManifest,
  type Manifest,
  type ManifestCheck,
  type ManifestProblem,
} from './manifest.js';
export { planPaymentFiles, readPaymentLines, type FilePlan } from './payment-lines.js';
export {
  submitCycle,
  type Debtor,
  type SubmitParams,
  type SubmitResult,
  type SubmittedFile,
} from './submit.js';
export {
  TransportError,
  type Acknowledgement,
  type FarSideStatus,
  type OutgoingFile,
  type Transport,
  type TransportFailure,
} from './transport/transport.js';
export { DropFolderTransport } from './transport/drop-folder.js';
export { HttpTransport, type HttpTransportOptions } from './transport/http.js';
export { resendRefusedFile, nextAttemptIds, type ResendParams } from './resend.js';
export { transliterate } from './transliterate.js';
export { respondToOutbox, responseName, type Answered } from './simulator/respond.js';
export {
  DEFAULT_MIX,
  loadMix,
  parseMix,
  REJECT_REASONS,
  RETURN_REASONS,
  type MixInput,
  type SwitchMix,
} from './simulator/mix.js';
export {
  createGhipssApp,
  startGhipssServer,
  type GhipssServerOptions,
  type RunningServer,
  type ServerFaults,
} from './simulator/server.js';
