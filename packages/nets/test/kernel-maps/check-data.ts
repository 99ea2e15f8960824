export { architectureCheckData as checkData } from '@spec/testing';

/**
 * The check values of apps/docs/theory/architectures.md#check-values (n = 3, entries (0,0), (0,1), (1,2)), computed by
 * an independent numpy implementation of the same maps: [data shape, network, NNGP, NTK].
 */
export const CHECKS: Record<string, [number[], string, number[], number[]]> = {
  'conv1d-gap': [
    [3, 8, 3],
    '[{"layer":"conv","filter":[3],"padding":"SAME","W_std":1.5,"b_std":0.1},{"layer":"relu"},{"layer":"conv","filter":[3],"padding":"SAME","W_std":1.5,"b_std":0.1},{"layer":"relu"},{"layer":"global_avg_pool"},{"layer":"dense","W_std":1.5,"b_std":0.1}]',
    [1.4029310662, 0.8973891684, 0.8876483428],
    [2.8921736753, 1.4582077623, 1.430404299],
  ],
  'conv2d-flatten': [
    [3, 4, 4, 3],
    '[{"layer":"conv","filter":[3,3],"padding":"SAME","W_std":1.0,"b_std":0.2},{"layer":"erf"},{"layer":"conv","filter":[2,2],"strides":[2,2],"padding":"VALID","W_std":1.3},{"layer":"erf"},{"layer":"flatten"},{"layer":"dense","W_std":1.0,"b_std":0.2}]',
    [0.415647202, 0.243561372, 0.2526046356],
    [1.3286699892, 0.6726199554, 0.7029847908],
  ],
  'conv2d-circ-pool': [
    [3, 5, 5, 2],
    '[{"layer":"conv","filter":[3,3],"padding":"CIRCULAR","W_std":1.4},{"layer":"relu"},{"layer":"avg_pool","window":[2,2],"strides":[1,1],"padding":"SAME"},{"layer":"conv","filter":[3,3],"strides":[2,2],"padding":"SAME","W_std":1.4,"b_std":0.3},{"layer":"relu"},{"layer":"global_avg_pool"},{"layer":"dense","W_std":1.0}]',
    [0.2345640665, 0.1504443055, 0.1240275759],
    [0.4792685655, 0.2642948856, 0.2014070883],
  ],
  'conv-quad': [
    [3, 8, 3],
    '[{"layer":"conv","filter":[3],"padding":"VALID","W_std":1.6,"b_std":0.2},{"layer":"tanh"},{"layer":"conv","filter":[2],"padding":"SAME","W_std":1.5,"b_std":0.1},{"layer":"gelu"},{"layer":"global_avg_pool"},{"layer":"dense"}]',
    [0.2366394017, 0.1179329587, 0.1229442006],
    [0.6368177967, 0.2293671427, 0.2437469544],
  ],
  'layernorm-mlp': [
    [3, 6],
    '[{"layer":"dense","W_std":1.0,"b_std":0.5},{"layer":"layernorm"},{"layer":"relu"},{"layer":"dense","W_std":1.4,"b_std":0.3},{"layer":"layernorm"},{"layer":"erf"},{"layer":"dense"}]',
    [0.4645590544, 0.3691202098, 0.3662130096],
    [1.5554848219, 1.0663685484, 1.0541592013],
  ],
  'layernorm-conv': [
    [3, 8, 3],
    '[{"layer":"conv","filter":[3],"padding":"SAME","W_std":1.3,"b_std":0.4},{"layer":"layernorm"},{"layer":"relu"},{"layer":"conv","filter":[3],"padding":"SAME","W_std":1.3},{"layer":"layernorm"},{"layer":"erf"},{"layer":"global_avg_pool"},{"layer":"dense"}]',
    [0.2538840135, 0.1771652112, 0.1764487628],
    [0.7187843919, 0.4368868479, 0.4338662215],
  ],
  'layernorm-postact': [
    [3, 6],
    '[{"layer":"dense","W_std":1.2,"b_std":0.3},{"layer":"relu"},{"layer":"layernorm"},{"layer":"dense","W_std":1.0,"b_std":0.2},{"layer":"gelu"},{"layer":"layernorm"},{"layer":"dense"}]',
    [1.0, 0.6168541075, 0.6040570711],
    [4.188076891, 2.2306357338, 2.1759701465],
  ],
  'residual-cnn': [
    [3, 8, 3],
    '[{"layer":"conv","filter":[3],"padding":"SAME","W_std":1.0},{"layer":"residual","alpha":0.7,"branch":[{"layer":"relu"},{"layer":"conv","filter":[3],"padding":"SAME","W_std":1.4,"b_std":0.1}]},{"layer":"residual","alpha":0.7,"branch":[{"layer":"relu"},{"layer":"conv","filter":[3],"padding":"SAME","W_std":1.4}]},{"layer":"relu"},{"layer":"global_avg_pool"},{"layer":"dense"}]',
    [0.5185355088, 0.3003212905, 0.2953608139],
    [0.9823308113, 0.4521277832, 0.4406993528],
  ],
  'attn-tied': [
    [3, 5, 4],
    '[{"layer":"dense","W_std":1.0},{"layer":"attention","mode":"tied","QK_std":1.0,"OV_std":1.2,"b_std":0.1},{"layer":"relu"},{"layer":"global_avg_pool"},{"layer":"dense"}]',
    [0.2186604535, 0.0681925807, 0.1379897621],
    [0.7863482615, 0.1015621434, 0.372757333],
  ],
  'attn-tied-flat': [
    [3, 5, 4],
    '[{"layer":"dense","W_std":1.0},{"layer":"attention","mode":"tied","QK_std":2.0,"OV_std":1.0},{"layer":"layernorm"},{"layer":"erf"},{"layer":"flatten"},{"layer":"dense"}]',
    [0.4645590544, 0.1372352856, 0.2752609057],
    [2.1727891586, 0.5643875506, 1.1673128451],
  ],
  'attn-untied': [
    [3, 5, 4],
    '[{"layer":"dense","W_std":1.0},{"layer":"attention","mode":"untied","OV_std":1.0},{"layer":"relu"},{"layer":"flatten"},{"layer":"dense"}]',
    [0.1399725464, 0.0359609088, 0.0844668487],
    [0.5598901856, 0.0509716507, 0.2453606099],
  ],
  'attn-sqrt-id': [
    [3, 5, 4],
    '[{"layer":"dense","W_std":1.0},{"layer":"attention","mode":"sqrt","mechanism":"identity","QK_std":0.5,"OV_std":1.0,"d_head":4},{"layer":"relu"},{"layer":"global_avg_pool"},{"layer":"dense"}]',
    [0.2980769956, 0.1448467927, 0.2310303383],
    [1.5415000352, 0.3253702835, 0.6848170051],
  ],
  'attn-res-postact': [
    [3, 5, 4],
    '[{"layer":"dense","W_std":1.0,"b_std":0.2},{"layer":"relu"},{"layer":"residual","alpha":1.0,"branch":[{"layer":"attention","mode":"tied","QK_std":1.5,"OV_std":1.0}]},{"layer":"layernorm"},{"layer":"dense","W_std":1.2},{"layer":"erf"},{"layer":"global_avg_pool"},{"layer":"dense"}]',
    [0.3347340388, 0.1908440696, 0.2514288037],
    [1.5885321332, 0.8343741892, 1.1128693064],
  ],
  'rnn-avg': [
    [3, 5, 4],
    '[{"layer":"rnn","act":"erf","W_std":1.0,"U_std":1.4,"b_std":0.45},{"layer":"global_avg_pool"},{"layer":"dense"}]',
    [0.2354492744, 0.0770859079, 0.1482469367],
    [0.6435303631, 0.187641265, 0.3586089489],
  ],
  'rnn-last': [
    [3, 5, 4],
    '[{"layer":"rnn","act":"relu","W_std":1.2,"U_std":1.0,"b_std":0.1},{"layer":"last"},{"layer":"dense","W_std":1.0,"b_std":0.1}]',
    [1.0953368378, 0.7689344481, 0.9358283705],
    [3.7634354659, 1.651420158, 2.2203644362],
  ],
};
