export { paymentFileIds, remittanceText, CHANNELS, type Channel } from './file-names.js';
export {
  writePain001,
  writePain001File,
  type Pain001Header,
  type PaymentLine,
} from './pain001-writer.js';
export { planPaymentFiles, readPaymentLines, type FilePlan } from './payment-lines.js';
export { submitCycle, type SubmitParams, type SubmitResult, type SubmittedFile } from './submit.js';
export { transliterate } from './transliterate.js';
export { respondToOutbox, responseName } from './simulator/respond.js';
