// Worker-thread task for piscina: mint one block of devices (mint-range.ts).
import { mintRange, type MintRangeTask } from './mint-range.ts';

export default function mintTask(task: MintRangeTask): Promise<number> {
  return mintRange(task);
}
