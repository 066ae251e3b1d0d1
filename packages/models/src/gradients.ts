import * as tf from "@tensorflow/tfjs";

/**
 * Gradients bytelab replaces in TF.js's registry (backend-neutral: the same function, fewer ops).
 *
 * Tile: TF.js adds up one slice of dy per repetition (reps[0] * reps[1] * ... slice + add pairs, and only
 * up to rank 4). MEGABYTE tiles its start token over every patch sequence and H-Net tiles its padding over
 * [B, L]: 1,000-2,000 slice/add pairs per backward pass, most of the step's JS time. Here it is one reshape
 * and one sum: dy viewed as [r0, x0, r1, x1, ...] (untiled axes merged) summed over the r axes, any rank.
 */
const tileGradConfig: tf.GradConfig = {
  kernelName: tf.Tile,
  inputsToSave: ["x"],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const [x] = saved;
    const reps = (attrs as unknown as tf.TileAttrs).reps;
    return {
      x: () => {
        const g = dy as tf.Tensor;
        // Only tiled axes get a repetition axis, and neighbouring untiled sizes merge into one, so the view
        // stays low-rank (the webgpu backend reduces at most rank 6: a rank-4 tile viewed as rank 8 failed).
        const shape: number[] = [];
        const axes: number[] = [];
        let lastIsData = false;
        x!.shape.forEach((d, i) => {
          if (reps[i]! > 1) {
            axes.push(shape.length);
            shape.push(reps[i]!, d);
            lastIsData = true;
          } else if (lastIsData) shape[shape.length - 1]! *= d;
          else {
            shape.push(d);
            lastIsData = true;
          }
        });
        if (axes.length === 0) return g.reshape(x!.shape);
        return g.reshape(shape).sum(axes).reshape(x!.shape);
      },
    };
  },
};

let registered = false;

/** Registers bytelab's gradient replacements (once per process; initBackend calls it). */
export function registerGradientFixes(): void {
  if (registered) return;
  tf.registerGradient(tileGradConfig);
  registered = true;
}
