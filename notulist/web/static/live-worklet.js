// AudioWorklet: the microphone as 16 kHz mono signed 16-bit frames of 100 ms (1,600 samples), with their peak level.
// When the AudioContext does not run at 16 kHz, the samples are resampled here (linear interpolation).
const FRAME = 1600;
const TARGET = 16000;

class PcmFrames extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / TARGET; // input samples per output sample
    this.pos = 0; // position of the next output sample, in input samples from the current block's start
    this.last = 0;
    this.frame = new Int16Array(FRAME);
    this.n = 0;
    this.peak = 0;
  }

  put(value) {
    const s = Math.max(-1, Math.min(1, value));
    this.frame[this.n++] = s < 0 ? s * 32768 : s * 32767;
    this.peak = Math.max(this.peak, Math.abs(s));
    if (this.n === FRAME) {
      this.port.postMessage({ pcm: this.frame.buffer, peak: this.peak }, [this.frame.buffer]);
      this.frame = new Int16Array(FRAME);
      this.n = 0;
      this.peak = 0;
    }
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    if (this.step === 1) {
      for (let i = 0; i < channel.length; i++) this.put(channel[i]);
      return true;
    }
    // output sample k lies at input position pos (-1 = the previous block's last sample)
    while (this.pos < channel.length - 1) {
      const i = Math.floor(this.pos);
      const frac = this.pos - i;
      const a = i < 0 ? this.last : channel[i];
      const b = channel[i + 1];
      this.put(a + (b - a) * frac);
      this.pos += this.step;
    }
    this.pos -= channel.length;
    this.last = channel[channel.length - 1];
    return true;
  }
}

registerProcessor('pcm-frames', PcmFrames);
