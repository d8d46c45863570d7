"""The notes' own training loop, written out as they wrote it (eager TensorFlow, tf.data, Python
floats for the running loss), with their five hand-written updates. Slow on purpose: this is the
reference that ``optlib.train`` must reproduce, and what the benchmark compares against.

Differences from the notes, none of which changes a number: the loop is a function; the data
come from ``optlib.iris.raw()`` instead of ``sklearn.datasets.load_iris()`` (the same 150 rows);
nothing is printed unless ``verbose``; plotting is left to the caller.
"""
import numpy as np
import tensorflow as tf

from optlib import iris

UPDATES = ("sgd", "sgdm", "adagrad", "rmsprop", "adam")


def notes_loop(update, epoch=500, lr=0.1, verbose=False):
    """Train as the notes do with their ``update`` ('sgd', 'sgdm', 'adagrad', 'rmsprop', 'adam').

    Returns (train_loss_results, test_acc): per-epoch mean batch loss and test accuracy.
    Resets NumPy's and TensorFlow's global seeds, as the notes' script does.
    """
    if update not in UPDATES:
        raise ValueError(f"`update` must be one of {UPDATES}, got {update!r}.")
    x_data, y_data = iris.raw()
    np.random.seed(116)  # same seed for features and labels keeps each row with its label
    np.random.shuffle(x_data)
    np.random.seed(116)
    np.random.shuffle(y_data)
    tf.random.set_seed(116)

    x_train = x_data[:-30]
    y_train = y_data[:-30]
    x_test = x_data[-30:]
    y_test = y_data[-30:]
    x_train = tf.cast(x_train, tf.float32)
    x_test = tf.cast(x_test, tf.float32)

    train_db = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(32)
    test_db = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(32)

    w1 = tf.Variable(tf.random.truncated_normal([4, 3], stddev=0.1, seed=1))
    b1 = tf.Variable(tf.random.truncated_normal([3], stddev=0.1, seed=1))

    train_loss_results = []
    test_acc = []
    loss_all = 0

    m_w, m_b = 0, 0  # first moments (SGDM, Adam)
    v_w, v_b = 0, 0  # second moments (AdaGrad, RMSProp, Adam)
    beta = 0.9  # SGDM, RMSProp
    beta1, beta2 = 0.9, 0.999  # Adam
    global_step = 0  # Adam's t

    for epoch in range(epoch):
        for step, (x_train, y_train) in enumerate(train_db):
            global_step += 1
            with tf.GradientTape() as tape:
                y = tf.matmul(x_train, w1) + b1
                y = tf.nn.softmax(y)
                y_ = tf.one_hot(y_train, depth=3)
                loss = tf.reduce_mean(tf.square(y_ - y))
                loss_all += loss.numpy()
            grads = tape.gradient(loss, [w1, b1])

            if update == "sgd":
                w1.assign_sub(lr * grads[0])
                b1.assign_sub(lr * grads[1])
            elif update == "sgdm":
                m_w = beta * m_w + (1 - beta) * grads[0]
                m_b = beta * m_b + (1 - beta) * grads[1]
                w1.assign_sub(lr * m_w)
                b1.assign_sub(lr * m_b)
            elif update == "adagrad":
                v_w += tf.square(grads[0])
                v_b += tf.square(grads[1])
                w1.assign_sub(lr * grads[0] / tf.sqrt(v_w))
                b1.assign_sub(lr * grads[1] / tf.sqrt(v_b))
            elif update == "rmsprop":
                v_w = beta * v_w + (1 - beta) * tf.square(grads[0])
                v_b = beta * v_b + (1 - beta) * tf.square(grads[1])
                w1.assign_sub(lr * grads[0] / tf.sqrt(v_w))
                b1.assign_sub(lr * grads[1] / tf.sqrt(v_b))
            elif update == "adam":
                m_w = beta1 * m_w + (1 - beta1) * grads[0]
                m_b = beta1 * m_b + (1 - beta1) * grads[1]
                v_w = beta2 * v_w + (1 - beta2) * tf.square(grads[0])
                v_b = beta2 * v_b + (1 - beta2) * tf.square(grads[1])
                m_w_correction = m_w / (1 - tf.pow(beta1, int(global_step)))
                m_b_correction = m_b / (1 - tf.pow(beta1, int(global_step)))
                v_w_correction = v_w / (1 - tf.pow(beta2, int(global_step)))
                v_b_correction = v_b / (1 - tf.pow(beta2, int(global_step)))
                w1.assign_sub(lr * m_w_correction / tf.sqrt(v_w_correction))
                b1.assign_sub(lr * m_b_correction / tf.sqrt(v_b_correction))

        if verbose:
            print("Epoch {}, loss: {}".format(epoch, loss_all / 4))
        train_loss_results.append(loss_all / 4)
        loss_all = 0

        total_correct, total_number = 0, 0
        for x_test, y_test in test_db:
            y = tf.matmul(x_test, w1) + b1
            y = tf.nn.softmax(y)
            pred = tf.argmax(y, axis=1)
            pred = tf.cast(pred, dtype=y_test.dtype)
            correct = tf.cast(tf.equal(pred, y_test), dtype=tf.int32)
            correct = tf.reduce_sum(correct)
            total_correct += int(correct)
            total_number += x_test.shape[0]
        acc = total_correct / total_number
        test_acc.append(acc)
    return np.array(train_loss_results), np.array(test_acc)
